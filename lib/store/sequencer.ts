/**
 * S3 sequencers are hex strings of varying length that compare correctly only after the
 * shorter one is right-padded with zeros. Stored padded to a fixed width (uppercase), plain
 * string comparison — in code and in DynamoDB condition expressions — orders events correctly.
 */
export const SEQUENCER_WIDTH = 32;

export function normaliseSequencer(sequencer: string | null | undefined): string | null {
  if (sequencer === null || sequencer === undefined || sequencer === '') return null;
  if (!/^[0-9a-fA-F]+$/.test(sequencer))
    throw new TypeError(`Invalid S3 sequencer: ${JSON.stringify(sequencer)}`);
  return sequencer.toUpperCase().padEnd(SEQUENCER_WIDTH, '0');
}

/** Object identity when an event has no sequencer: the same etag and version is the same content. */
export function versionIdentity(source: { etag: string | null; versionId: string | null }): string {
  return `${source.etag ?? ''}|${source.versionId ?? ''}`;
}
