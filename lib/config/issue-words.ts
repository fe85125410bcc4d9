import type * as z from 'zod/mini';

// How zod words its default messages; a schema's own message is a sentence of ours, kept as is.
const ZOD_WORDING = /^(Too small|Too big|Invalid input|Invalid option|expected )/;

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
      return issue.expected === 'number' || issue.expected === 'int' ? 'must be a number' : 'is required';
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}
