/**
 * How a deployment authenticates browsers. Its own module, not in `schemas.ts`: the api's config
 * needs it at init, and importing it from there would build every response schema at cold start.
 */
export const AUTH_MODES = ['none', 'jwt', 'iam'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
