import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildSummarySchema,
  notesResponseFormat,
  notesSchema,
  summaryResponseFormat,
} from '../../../lib/summarise/schema.ts';

/**
 * The `response_format`s that `zodResponseFormat` (openai/helpers/zod) built from the former
 * classic-zod schemas, recorded before the hand-written JSON Schemas replaced them.
 */
const recorded = JSON.parse(
  readFileSync(new URL('./fixtures/response-formats.json', import.meta.url), 'utf8'),
) as { summary: unknown; notes: unknown };

interface Node {
  type?: string;
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Node;
  anyOf?: Node[];
  enum?: string[];
  description?: string;
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

/** A copy of `value` without `maxLength` / `maxItems`: the recorded formats predate the bounds. */
function withoutBounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutBounds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'maxLength' && k !== 'maxItems')
      .map(([k, v]) => [k, withoutBounds(v)]),
  );
}

/** Paths of arrays without `maxItems` and strings (not enums) without `maxLength`. */
function unboundedPaths(node: Node & { maxLength?: number; maxItems?: number }, path: string): string[] {
  const out: string[] = [];
  if (node.type === 'string' && node.enum === undefined && node.maxLength === undefined) out.push(path);
  if (node.type === 'array') {
    if (node.maxItems === undefined) out.push(path);
    if (node.items) out.push(...unboundedPaths(node.items, `${path}[]`));
  }
  for (const [k, child] of Object.entries(node.properties ?? {}))
    out.push(...unboundedPaths(child, `${path}.${k}`));
  return out;
}

describe('summaryResponseFormat', () => {
  it('is exactly the response_format zodResponseFormat built for ar, en, plus the bounds', () => {
    expect(withoutBounds(summaryResponseFormat(['ar', 'en']))).toStrictEqual(recorded.summary);
  });

  it('bounds every array (maxItems) and every free string (maxLength)', () => {
    const unbounded = unboundedPaths(summaryResponseFormat(['ar', 'en']).json_schema.schema as Node, '');

    expect(unbounded).toEqual([]);
    expect(unboundedPaths(notesResponseFormat.json_schema.schema as Node, '')).toEqual([]);
  });

  it('produces a strict json_schema with every field required', () => {
    const format = summaryResponseFormat(['ar', 'en']);

    expect(format.type).toBe('json_schema');
    expect(format.json_schema.strict).toBe(true);
    assertStrict(format.json_schema.schema as Node);
  });

  it('restricts entity types to the enum the answer schema accepts', () => {
    const schema = summaryResponseFormat(['en']).json_schema.schema as Node;
    const type = schema.properties?.entities?.items?.properties?.type;

    expect(type?.enum).toEqual(['person', 'organization', 'place', 'other']);
    expect(schema.properties?.topics?.description).toBe('2-6 short topic labels.');
  });

  it('describes the same fields the answer schema validates', () => {
    const json = summaryResponseFormat(['ar', 'en']).json_schema.schema as Node;
    const answer = buildSummarySchema(['ar', 'en']);

    expect(Object.keys(json.properties ?? {})).toEqual(Object.keys(answer.shape));
    expect(Object.keys(json.properties?.summaries?.properties ?? {})).toEqual(
      Object.keys(answer.shape.summaries.shape),
    );
    expect(Object.keys(json.properties?.summaries?.properties?.ar?.properties ?? {})).toEqual(
      Object.keys(answer.shape.summaries.shape.ar?.shape ?? {}),
    );
  });

  it('refuses what buildSummarySchema refuses', () => {
    expect(() => summaryResponseFormat([])).toThrow(/language/);
    expect(() => summaryResponseFormat(['e n'])).toThrow(/Invalid summary language code/);
  });
});

describe('buildSummarySchema', () => {
  it('requires exactly the requested languages', () => {
    const schema = buildSummarySchema(['ar', 'en', 'fr']);
    const format = summaryResponseFormat(['ar', 'en', 'fr']);
    const summaries = (format.json_schema.schema as Node).properties?.summaries;

    expect(summaries?.required).toEqual(['ar', 'en', 'fr']);
    expect(schema.safeParse(valid).success).toBe(false);
    expect(buildSummarySchema(['ar', 'en']).safeParse(valid).success).toBe(true);
  });

  it('describes each language part in that language name', () => {
    const format = summaryResponseFormat(['ar']);
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
  it('is sent as exactly the response_format zodResponseFormat built for it, plus the bounds', () => {
    expect(withoutBounds(notesResponseFormat)).toStrictEqual(recorded.notes);
  });

  it('is a strict json_schema holding only a list of facts', () => {
    const format = notesResponseFormat;

    assertStrict(format.json_schema.schema as Node);
    expect(Object.keys((format.json_schema.schema as Node).properties ?? {})).toEqual(['facts']);
    expect(notesSchema.safeParse({ facts: ['حقيقة'] }).success).toBe(true);
    expect(notesSchema.safeParse({ facts: 'حقيقة' }).success).toBe(false);
  });
});
