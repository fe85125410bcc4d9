/** A list cursor that was not issued by this API for this query (forged, truncated, foreign). */
export class InvalidCursorError extends Error {
  constructor(message = 'The cursor is not valid for this request.') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

export const isInvalidCursorError = (e: unknown): e is InvalidCursorError => e instanceof InvalidCursorError;
