import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../functions/api/openapi.ts';

type ApiDocument = Parameters<typeof validate>[0];

// The document checked by a parser the project did not write: one that rejects, for instance, a
// templated path whose operations (the CORS preflight included) do not all declare the parameter.

describe('the OpenAPI document, read by @readme/openapi-parser', () => {
  it.each(['none', 'jwt', 'iam'] as const)(
    'is a valid OpenAPI 3.1 document with authMode=%s',
    async (authMode) => {
      const document = buildOpenApiDocument({ authMode });

      const result = await validate(structuredClone(document) as ApiDocument);

      expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    },
  );

  it('rejects the document when a preflight loses its path parameter (the parser is not a rubber stamp)', async () => {
    const document = buildOpenApiDocument({ authMode: 'none' }) as {
      paths: Record<string, { options: { parameters?: unknown } }>;
    };
    delete document.paths['/summaries/{id}']?.options.parameters;

    const result = await validate(document as ApiDocument);

    expect(result.valid).toBe(false);
  });
});
