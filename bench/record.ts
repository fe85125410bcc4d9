/**
 * One realistic `done` record (both languages, entities, topics, stored text) written straight to
 * the table, so the api benchmarks read what a real ingest leaves behind.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { recordId } from '../lib/domain/id.ts';
import { SCHEMA_VERSION } from '../lib/domain/record.ts';
import { keyAttributes, type RecordItem } from '../lib/store/item.ts';
import { compressText } from '../lib/store/text-codec.ts';

export const BENCH_BUCKET = 'articles';
export const BENCH_KEY = 'incoming/تقرير الإنتربول.txt';
export const BENCH_ID = recordId(BENCH_BUCKET, BENCH_KEY);

const BODY =
  'أعلنت منظمة الإنتربول عن عملية دولية واسعة لمكافحة الجرائم الإلكترونية شاركت فيها أجهزة الشرطة في أكثر من أربعين دولة. ' +
  'وقالت المنظمة إن العملية أسفرت عن توقيف مئات المشتبه بهم وتجميد أصول مالية كبيرة.';

export function benchRecordItem(now = new Date('2025-07-02T10:00:00.000Z')): RecordItem {
  const iso = now.toISOString();
  return {
    ...keyAttributes(BENCH_ID, iso, BENCH_KEY),
    id: BENCH_ID,
    status: 'done',
    source: {
      bucket: BENCH_BUCKET,
      key: BENCH_KEY,
      versionId: null,
      etag: '0f343b0931126a20f133d67c2b018a3b',
      size: 11_114,
      contentType: 'text/plain',
    },
    article: {
      title: 'الإنتربول يطلق عملية دولية ضد الجرائم الإلكترونية',
      language: 'ar',
      publishedAt: '2025-07-02',
      outlet: 'الجزيرة',
      wordCount: 180,
      related: [{ title: 'لجنة البريد العربية تعقد اجتماعها السنوي' }],
    },
    summaries: {
      ar: {
        title: 'عملية دولية للإنتربول',
        summary: BODY,
        keyPoints: ['مشاركة أكثر من أربعين دولة', 'توقيف مئات المشتبه بهم', 'تجميد أصول مالية'],
      },
      en: {
        title: 'Interpol operation against cybercrime',
        summary:
          'Interpol announced a wide international operation against cybercrime with police in over 40 countries.',
        keyPoints: ['Over 40 countries took part', 'Hundreds of suspects arrested', 'Assets frozen'],
      },
    },
    entities: [
      { name: 'الإنتربول', type: 'organization' },
      { name: 'الجزيرة', type: 'organization' },
    ],
    topics: ['cybercrime', 'policing'],
    quality: { flags: [] },
    model: { provider: 'openai', name: 'gpt-4o-mini', promptVersion: 'bench' },
    usage: { inputTokens: 1200, outputTokens: 400, llmCalls: 1, reusedFrom: null },
    contentHash: 'bench-content-hash',
    schemaVersion: SCHEMA_VERSION,
    error: null,
    createdAt: iso,
    updatedAt: iso,
    version: '0f343b0931126a20f133d67c2b018a3b|',
    rev: 2,
    text: compressText(BODY),
    textChunks: 0,
    textGen: 'bench',
  };
}

export async function putBenchRecord(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await client.send(new PutCommand({ TableName: tableName, Item: benchRecordItem() }));
}
