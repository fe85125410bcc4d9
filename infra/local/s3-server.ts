/**
 * The local S3 endpoint: khulasa's own small S3 server (node:http, no framework), in process,
 * persisting to a directory. It replaced s3rver, which could not list past one page on Node 24
 * (its continuation tokens use DES, which Node 24's OpenSSL refuses) and stored objects at paths
 * built from their keys (long segments crashed it, `../` escaped the data directory, `a/../b`
 * and `b` collided); its fork keeps both designs. Owning the server also lets the local stack
 * order durability: a change is on disk, then reported through `onEvent`, then acknowledged.
 * Objects are kept under the SHA-256 of their key, never under a path made from it.
 *
 * What it serves: see `s3/server.ts` (routing), `s3/store.ts` (storage and its crash safety).
 */
export type { S3EventNotificationRecord } from './s3/events.ts';
export { type LocalS3, type LocalS3Options, startLocalS3 } from './s3/server.ts';
