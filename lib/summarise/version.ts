/**
 * Changes whenever the instructions or the schemas change: stored summaries are reused, and cached
 * chunk notes found, only when the prompt version matches.
 */
export const PROMPT_VERSION = '2026-11-29.1';
