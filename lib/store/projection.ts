/** The public record attributes: reads never fetch the compressed text or claim internals. */
export const PUBLIC_FIELDS = [
  'id',
  'status',
  'source',
  'article',
  'summaries',
  'entities',
  'topics',
  'quality',
  'model',
  'usage',
  'contentHash',
  'schemaVersion',
  'error',
  'createdAt',
  'updatedAt',
] as const;

export const PUBLIC_PROJECTION = {
  expression: PUBLIC_FIELDS.map((_, i) => `#p${i}`).join(', '),
  names: Object.fromEntries(PUBLIC_FIELDS.map((f, i) => [`#p${i}`, f])),
};
