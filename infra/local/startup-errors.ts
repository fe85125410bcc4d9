import { ConfigError as ApiConfigError } from '../../lib/config/api.ts';
import { EventsConfigError } from '../../lib/config/events.ts';
import { ConfigError as IngestConfigError } from '../../lib/config/ingest.ts';
import { TableStorageError } from './dynamodb.ts';
import { WorkerInitError } from './ingest-pool.ts';
import { LocalConfigError } from './local-config.ts';
import { DataDirInUseError } from './lock.ts';
import { StackStartError } from './stack.ts';

/** The variable that sets each part's port. */
const PORT_VARIABLES = { S3: 'S3_PORT', DynamoDB: 'DYNAMODB_PORT', API: 'PORT' } as const;

export interface StartContext {
  ports: { S3: number; DynamoDB: number; API: number };
}

const code = (e: unknown): string | undefined =>
  e instanceof Error ? ((e as NodeJS.ErrnoException).code ?? code(e.cause)) : undefined;

/**
 * A start-up failure as the one line a person can act on: what is wrong, which variable, port or
 * folder, and what to do. Anything unforeseen still gets one line (the stack trace only with DEBUG).
 */
export function explainStartFailure(e: unknown, context: StartContext): string {
  if (e instanceof LocalConfigError || e instanceof EventsConfigError)
    return `khulasa: ${e.message}. Fix or unset it and run npm start again.`;
  if (e instanceof IngestConfigError || e instanceof ApiConfigError || e instanceof WorkerInitError)
    return `khulasa: ${e.message.replace(/^Invalid (ingest|api) configuration: /, 'invalid configuration: ')}. Fix or unset it and run npm start again.`;
  if (e instanceof DataDirInUseError)
    return `khulasa: ${e.message}. Stop it first, or give this one its own folder: KHULASA_DATA_DIR=.khulasa-2 npm start`;
  if (e instanceof StackStartError) {
    const cause = e.cause;
    if (cause instanceof TableStorageError)
      return `khulasa: ${cause.message}. Move that folder aside and start again (every object in the bucket is summarised anew), or run npm run reset to start empty (it deletes the uploaded objects too).`;
    if (e.part !== 'ingest') {
      const variable = PORT_VARIABLES[e.part];
      const port = context.ports[e.part];
      const other = `${variable}=${port === 0 ? 0 : port + 1} npm start`;
      if (code(cause) === 'EADDRINUSE')
        return `khulasa: port ${port} is already in use (${e.part}). Stop the other process or choose another: ${other}`;
      if (code(cause) === 'EACCES')
        return `khulasa: port ${port} may not be used by this user (${e.part}). Choose another: ${other}`;
    }
    if (e.cause instanceof WorkerInitError || e.cause instanceof IngestConfigError)
      return explainStartFailure(e.cause, context);
    return `khulasa: could not start ${e.part}: ${firstLine(e.message)}`;
  }
  const fsCode = code(e);
  if (fsCode && ['EEXIST', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC'].includes(fsCode)) {
    const path = (e as NodeJS.ErrnoException).path;
    return `khulasa: the data folder${path ? ` ${path}` : ''} cannot be used (${fsCode}): point KHULASA_DATA_DIR at a folder khulasa may create and write`;
  }
  if (e instanceof TableStorageError)
    return `khulasa: ${e.message}. Move that folder aside and start again (every object in the bucket is summarised anew), or run npm run reset to start empty (it deletes the uploaded objects too).`;
  return `khulasa: could not start: ${firstLine(e instanceof Error ? e.message : String(e))}`;
}

const firstLine = (text: string) => text.split('\n')[0]?.trim() ?? '';
