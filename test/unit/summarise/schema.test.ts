import { zodResponseFormat } from 'openai/helpers/zod';
import { describe, expect, it } from 'vitest';
import { buildSummarySchema, notesSchema } from '../../../lib/summarise/schema.ts';

interface Node {
  type?: string;
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Node;
  anyOf?: Node[];
}

/** OpenAI strict mode: every object lists all its properties as required and forbids others. */
function assertStrict(node: Node, path = '$'): void {
  if (node.type === 'object') {
    expect(node.additionalProperties, path).toBe(false);
    expect([...(node.required ?? [])].sort(), path).toEqual(Object.keys(node.properties ?? {}).sort());
  }
  for (const [key, child] of Object.entries(node.properties ?? {})) assertStrict(child, `${path}.${key}`);
  if (node.items) assertStrict(node.items, `${path}[]`);
  expect(node.anyOf, `${path} must not be optional/nullable`).toBeUndefined();
}

const valid = {
  summaries: {
    ar: { title: 'عنوان', summary: 'ملخص.', keyPoints: ['نقطة'] },
    en: { title: 'Title', summary: 'Summary.', keyPoints: ['Point'] },
  },
  entities: [{ name: 'Interpol', type: 'organization' }],
  topics: ['crime'],
};

describe('buildSummarySchema', () => {
  it('produces a strict json_schema with every field required', () => {
    const format = zodResponseFormat(buildSummarySchema(['ar', 'en']), 'summary');

    expect(format.json_schema.strict).toBe(true);
    assertStrict(format.json_schema.schema as Node);
  });

  it('requires exactly the requested languages', () => {
    const schema = buildSummarySchema(['ar', 'en', 'fr']);
    const format = zodResponseFormat(schema, 'summary');
    const summaries = (format.json_schema.schema as Node).properties?.summaries;

    expect(summaries?.required).toEqual(['ar', 'en', 'fr']);
    expect(schema.safeParse(valid).success).toBe(false);
    expect(buildSummarySchema(['ar', 'en']).safeParse(valid).success).toBe(true);
  });

  it('describes each language part in that language name', () => {
    const format = zodResponseFormat(buildSummarySchema(['ar']), 'summary');
    const ar = (format.json_schema.schema as Node).properties?.summaries?.properties?.ar as Node & {
      properties: Record<string, { description?: string }>;
    };

    expect(ar.properties.summary?.description).toMatch(/3-5 sentences in Arabic/);
    expect(ar.properties.keyPoints?.description).toMatch(/3-6 key points in Arabic/);
  });

  it('rejects unknown entity types and missing fields', () => {
    const schema = buildSummarySchema(['ar', 'en']);

    expect(schema.safeParse({ ...valid, entities: [{ name: 'X', type: 'thing' }] }).success).toBe(false);
    expect(schema.safeParse({ summaries: valid.summaries, entities: [] }).success).toBe(false);
  });

  it('refuses an empty language list and malformed language codes', () => {
    expect(() => buildSummarySchema([])).toThrow(/language/);
    expect(() => buildSummarySchema(['ar', 'e n'])).toThrow(/Invalid summary language code/);
  });
});

describe('notesSchema', () => {
  it('is a strict json_schema holding only a list of facts', () => {
    const format = zodResponseFormat(notesSchema, 'notes');

    assertStrict(format.json_schema.schema as Node);
    expect(Object.keys((format.json_schema.schema as Node).properties ?? {})).toEqual(['facts']);
    expect(notesSchema.safeParse({ facts: ['حقيقة'] }).success).toBe(true);
    expect(notesSchema.safeParse({ facts: 'حقيقة' }).success).toBe(false);
  });
});
