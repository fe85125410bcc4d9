import type * as z from 'zod/mini';

// How zod words its default messages; a schema's own message is a sentence of ours, kept as is.
const ZOD_WORDING = /^(Too small|Too big|Invalid |expected )/;

/**
 * One configuration problem in words a person reads (`must be at least 500`), never zod's own
 * (`Too small: expected number to be >=500`). Messages the schemas set themselves are kept.
 */
export function issueInWords(issue: z.core.$ZodIssue): string {
  if (!ZOD_WORDING.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array' || issue.origin === 'set') return 'must list at least one value';
      return issue.inclusive === false
        ? `must be greater than ${String(issue.minimum)}`
        : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
      return issue.inclusive === false
        ? `must be less than ${String(issue.maximum)}`
        : `must be at most ${String(issue.maximum)}`;
    case 'invalid_type':
      if (issue.expected === 'int') return 'must be a whole number';
      if (issue.expected === 'number') return 'must be a number';
      if (issue.expected === 'boolean') return 'must be true or false';
      return 'is required';
    case 'invalid_format':
      if (issue.format === 'email') return 'must be an email address';
      if (issue.format === 'url') return 'must be a URL such as https://example.com/';
      return issue.message.replace(/^Invalid input: /, '');
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}
