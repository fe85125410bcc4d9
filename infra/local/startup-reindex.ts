import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { reindexRecords } from '../../lib/store/reindex.ts';

/**
 * The filter index backfill, run once at every start in the background (see stack.ts for why not
 * before ready). `startedAt` is taken once the data folder is locked: the process that wrote the
 * table before then is gone, so a pending index written before it has no writer left (lease 0),
 * and anything written after it belongs to this stack's live workers.
 */
export interface StartupReindexOptions {
  dynamoEndpoint: string;
  tableName: string;
  startedAt: Date;
  log: (line: string) => void;
  warn: (line: string) => void;
}

const CREDENTIALS = { accessKeyId: 'khulasa-local', secretAccessKey: 'khulasa-local' };

export function reindexInBackground(options: StartupReindexOptions): { close(): Promise<void> } {
  const client = new DynamoDBClient({
    endpoint: options.dynamoEndpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
  });
  const stop = new AbortController();
  const run = reindexRecords(
    { client: DynamoDBDocumentClient.from(client), tableName: options.tableName },
    { leaseMs: 0, now: options.startedAt, signal: stop.signal },
  )
    .then(({ reindexed }) => {
      // Said only when it mattered: records the filters and facets missed are found now.
      if (reindexed > 0)
        options.log(
          `reindexed: ${reindexed} record${reindexed === 1 ? '' : 's'} the filters and facets missed`,
        );
    })
    .catch((e: unknown) => {
      if (!stop.signal.aborted)
        options.warn(
          `reindex at start-up failed (run \`npm run khulasa -- reindex\` to retry): ${e instanceof Error ? e.message : String(e)}`,
        );
    })
    .finally(() => client.destroy());
  return {
    async close() {
      stop.abort();
      await run;
    },
  };
}
