import { describe, expect, it } from 'vitest';
import { TableStorageError } from '../../../infra/local/dynamodb.ts';
import { LocalConfigError, parseLocalConfig } from '../../../infra/local/local-config.ts';
import { DataDirInUseError } from '../../../infra/local/lock.ts';
import { StackStartError } from '../../../infra/local/stack.ts';
import { explainStartFailure } from '../../../infra/local/startup-errors.ts';
import { ConfigError } from '../../../lib/config/ingest.ts';

const ports = { S3: 4569, DynamoDB: 8000, API: 3000 };
const explain = (e: unknown) => explainStartFailure(e, { ports });
const failureOf = (env: NodeJS.ProcessEnv): unknown => {
  try {
    parseLocalConfig(env);
  } catch (e: unknown) {
    return e;
  }
  return null;
};

describe('npm start configuration', () => {
  it('applies the documented defaults, empty variables included', () => {
    const config = parseLocalConfig({ PORT: '', KHULASA_DATA_DIR: '', LOCAL_CONCURRENCY: ' ' });

    expect(config).toMatchObject({
      S3_PORT: 4569,
      DYNAMODB_PORT: 8000,
      PORT: 3000,
      KHULASA_DATA_DIR: '.khulasa',
      KHULASA_SAMPLES: true,
      LOCAL_RETRY_DELAYS: [2, 5, 10],
      MAX_RECEIVE_COUNT: 3,
      LOCAL_CONCURRENCY: 4,
      LOCAL_FUNCTION_TIMEOUT_SECONDS: 300,
    });
  });

  it('reads true/false words whatever their case', () => {
    expect(parseLocalConfig({ KHULASA_SAMPLES: 'False' }).KHULASA_SAMPLES).toBe(false);
    expect(parseLocalConfig({ KHULASA_SAMPLES: 'TRUE' }).KHULASA_SAMPLES).toBe(true);
  });

  it('names a bad variable and its value on one line', () => {
    const e = failureOf({ PORT: 'eighty' });

    expect(e).toBeInstanceOf(LocalConfigError);
    const line = explain(e);
    expect(line).toMatch(/^khulasa: PORT .*"eighty"/);
    expect(line.split('\n')).toHaveLength(1);
  });

  it('names the two variables that give two parts one port', () => {
    const line = explain(failureOf({ PORT: '4569' }));

    expect(line).toMatch(/^khulasa: S3_PORT and PORT are both 4569; each part needs a port of its own/);
  });

  it('names an out-of-range number', () => {
    expect(explain(failureOf({ LOCAL_CONCURRENCY: '0' }))).toMatch(/LOCAL_CONCURRENCY .*1 to 64.*"0"/);
    expect(explain(failureOf({ LOCAL_RETRY_DELAYS: '2,,x' }))).toMatch(/LOCAL_RETRY_DELAYS .*2,5,10/);
  });
});

describe('start-up failures', () => {
  it('names the data folder when it cannot be created', () => {
    const notAFolder = Object.assign(new Error("EEXIST: file already exists, mkdir '/dev/null'"), {
      code: 'EEXIST',
      path: '/dev/null',
    });

    expect(explain(notAFolder)).toBe(
      'khulasa: the data folder /dev/null cannot be used (EEXIST): point KHULASA_DATA_DIR at a folder khulasa may create and write',
    );
  });

  it('turns a busy port into the line that says which variable to set', () => {
    const busy = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:3000'), {
      code: 'EADDRINUSE',
    });

    expect(explain(new StackStartError('API', busy))).toBe(
      'khulasa: port 3000 is already in use (API). Stop the other process or choose another: PORT=3001 npm start',
    );
    expect(explain(new StackStartError('S3', busy))).toContain('S3_PORT=4570 npm start');
    expect(explain(new StackStartError('DynamoDB', busy))).toContain('DYNAMODB_PORT=8001 npm start');
  });

  it('names the folder of a table that cannot be opened and suggests npm run reset', () => {
    const broken = new TableStorageError('/data/.khulasa/dynamodb', new Error('Corruption: bad block'));

    const line = explain(new StackStartError('DynamoDB', broken));

    expect(line).toContain('/data/.khulasa/dynamodb');
    expect(line).toContain('npm run reset');
  });

  it('explains a handler configuration error without its prefix', () => {
    const line = explain(
      new ConfigError('Invalid ingest configuration: LLM_PROVIDER must be openai or extractive'),
    );

    expect(line).toBe(
      'khulasa: invalid configuration: LLM_PROVIDER must be openai or extractive. Fix or unset it and run npm start again.',
    );
  });

  it('says which stack holds the data folder', () => {
    expect(explain(new DataDirInUseError('/data/.khulasa', 4242))).toMatch(/pid 4242.*KHULASA_DATA_DIR=/);
  });
});
