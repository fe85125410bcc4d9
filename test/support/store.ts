import type { FacetQuery, ListQuery } from '../../lib/http/reader-port.ts';
import { DynamoIngestStore } from '../../lib/store/ingest-store.ts';
import { DynamoSummaryReader, type SummaryReaderDeps } from '../../lib/store/reader.ts';

/**
 * Both sides of the table in one object, for tests that write through the ingest side and read
 * back through the api's reader. Production wires them apart: the api function has the reader only.
 */
export class TestStore extends DynamoIngestStore {
  readonly reader: DynamoSummaryReader;

  constructor(
    deps: Omit<SummaryReaderDeps, 'cursorSecret'> & Partial<Pick<SummaryReaderDeps, 'cursorSecret'>>,
  ) {
    super(deps);
    this.reader = new DynamoSummaryReader({ cursorSecret: 'test-cursor-secret-0123', ...deps });
  }

  get(id: string) {
    return this.reader.get(id);
  }
  getText(id: string) {
    return this.reader.getText(id);
  }
  list(query: ListQuery) {
    return this.reader.list(query);
  }
  facets(query: FacetQuery) {
    return this.reader.facets(query);
  }
  ping() {
    return this.reader.ping();
  }
}
