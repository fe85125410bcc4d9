import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SummaryRecord } from '../domain/record.ts';
import type { FacetPage, FacetQuery, ListPage, ListQuery, SummaryReader } from '../http/reader-port.ts';
import type { TableDeps } from './dynamo.ts';
import { readFacets } from './facets.ts';
import { type RecordItem, toRecord } from './item.ts';
import { listRecords } from './listing.ts';
import { PUBLIC_PROJECTION } from './projection.ts';
import { RECORD_SK } from './table-schema.ts';
import { readText } from './text-storage.ts';

export interface SummaryReaderDeps extends TableDeps {
  /**
   * HMAC key for list cursors, or a loader for it (read from Secrets Manager on first use, so a
   * cold start that only serves `GET /summaries/{id}` never pays for it).
   */
  cursorSecret: string | (() => Promise<string>);
  clock?: () => Date;
  /** Index items one filtered list request may walk before it answers a short page. @default 400 */
  filterWalkBudget?: number;
}

/** The read side only, for the api function: it never claims, leases or writes. */
export class DynamoSummaryReader implements SummaryReader {
  readonly #table: TableDeps;
  readonly #cursorSecret: string | (() => Promise<string>);
  readonly #clock: () => Date;
  readonly #filterWalkBudget: number | undefined;

  constructor(deps: SummaryReaderDeps) {
    this.#table = { client: deps.client, tableName: deps.tableName };
    this.#cursorSecret = deps.cursorSecret;
    this.#clock = deps.clock ?? (() => new Date());
    this.#filterWalkBudget = deps.filterWalkBudget;
  }

  async get(id: string): Promise<SummaryRecord | null> {
    const out = await this.#table.client.send(
      new GetCommand({
        TableName: this.#table.tableName,
        Key: { pk: id, sk: RECORD_SK },
        ProjectionExpression: PUBLIC_PROJECTION.expression,
        ExpressionAttributeNames: PUBLIC_PROJECTION.names,
      }),
    );
    return out.Item ? toRecord(out.Item as RecordItem) : null;
  }

  getText(id: string): Promise<string | null> {
    return readText(this.#table, id);
  }

  async list(query: ListQuery): Promise<ListPage> {
    const secret = typeof this.#cursorSecret === 'function' ? await this.#cursorSecret() : this.#cursorSecret;
    return listRecords(this.#table, secret, this.#clock(), query, this.#filterWalkBudget);
  }

  facets(query: FacetQuery): Promise<FacetPage> {
    return readFacets(this.#table, query);
  }

  async ping(): Promise<void> {
    await this.#table.client.send(
      new GetCommand({ TableName: this.#table.tableName, Key: { pk: 'health#probe', sk: 'health' } }),
    );
  }
}
