import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SummaryRecord } from '../domain/record.ts';
import type { CompletedWork, IngestStore, RevisionedRecords } from '../pipeline/ports.ts';
import { DynamoChunkNotes } from './chunk-notes.ts';
import { DynamoContentLeases } from './content-leases.ts';
import type { TableDeps } from './dynamo.ts';
import { type RecordItem, toRecord } from './item.ts';
import { DynamoRecordWriter } from './records.ts';
import { RECORD_SK } from './table-schema.ts';

/** The record attributes an outcome event is built from (`toRecord` fills the rest). */
const EVENT_FIELDS = [
  'id',
  'status',
  'source',
  'article',
  'summaries',
  'error',
  'createdAt',
  'updatedAt',
  'rev',
];

/** The ingest side of the table: record claims and writes, content leases, chunk notes. */
export class DynamoIngestStore implements IngestStore, RevisionedRecords {
  readonly #table: TableDeps;
  readonly #records: DynamoRecordWriter;
  readonly #leases: DynamoContentLeases;

  constructor(table: TableDeps) {
    this.#table = { client: table.client, tableName: table.tableName };
    this.#records = new DynamoRecordWriter(this.#table);
    this.#leases = new DynamoContentLeases(this.#table);
  }

  claim: IngestStore['claim'] = (request) => this.#records.claim(request);
  fail: IngestStore['fail'] = (...args) => this.#records.fail(...args);
  tombstone: IngestStore['tombstone'] = (...args) => this.#records.tombstone(...args);
  beginContentWork: IngestStore['beginContentWork'] = (...args) => this.#leases.beginContentWork(...args);
  savePaidResult: IngestStore['savePaidResult'] = (...args) => this.#leases.savePaidResult(...args);
  endContentWork: IngestStore['endContentWork'] = (...args) => this.#leases.endContentWork(...args);

  /** The done record, then the content pointer to it, so later uploads of the content copy it. */
  async complete(id: string, owner: string, work: CompletedWork, now: Date): Promise<SummaryRecord> {
    const saved = await this.#records.complete(id, owner, work, now);
    const { provider, name, promptVersion } = work.result.model;
    await this.#leases.pointTo(
      { contentHash: work.contentHash, provider, model: name, promptVersion, languages: work.languages },
      id,
    );
    return saved;
  }

  /** A consistent read of the record and its `rev`, for the outcome event that describes it. */
  async readRevisioned(id: string): Promise<{ record: SummaryRecord; revision: number } | null> {
    const out = await this.#table.client.send(
      new GetCommand({
        TableName: this.#table.tableName,
        Key: { pk: id, sk: RECORD_SK },
        ConsistentRead: true,
        // Never the stored text: an event has no use for it. Every name aliased (reserved words).
        ProjectionExpression: EVENT_FIELDS.map((_, i) => `#f${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(EVENT_FIELDS.map((name, i) => [`#f${i}`, name])),
      }),
    );
    const item = out.Item as RecordItem | undefined;
    return item ? { record: toRecord(item), revision: item.rev ?? 0 } : null;
  }

  notesFor(id: string): DynamoChunkNotes {
    return new DynamoChunkNotes({ ...this.#table, recordId: id });
  }
}
