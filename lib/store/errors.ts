/**
 * `complete`/`fail` found the record no longer `processing` under this owner: a newer event
 * (or a tombstone, or a takeover after the lease expired) owns it now, so this result is dropped.
 */
export class ClaimLostError extends Error {
  readonly id: string;
  readonly owner: string;
  constructor(id: string, owner: string, options?: { cause?: unknown }) {
    super(`The claim on record ${id} held by ${owner} was taken over before the write.`, options);
    this.name = 'ClaimLostError';
    this.id = id;
    this.owner = owner;
  }
}

/** A list cursor that was not issued by this API for this query (forged, truncated, foreign). */
export class InvalidCursorError extends Error {
  constructor(message = 'The cursor is not valid for this request.') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

export const isClaimLostError = (e: unknown): e is ClaimLostError => e instanceof ClaimLostError;
export const isInvalidCursorError = (e: unknown): e is InvalidCursorError => e instanceof InvalidCursorError;
