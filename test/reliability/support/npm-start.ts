import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePorts, READY_PATTERN } from '../../support/stack-process.ts';

/**
 * `npm start` exactly as a user runs it in a terminal: npm, its shell and the stack in one process
 * group of their own, so a signal reaches all of them as Ctrl-C (SIGINT), `kill` (SIGTERM) or the
 * OOM killer / a power cut (SIGKILL) would. The ports stay the same across restarts, as a user's
 * defaults do.
 */

const REPO = join(import.meta.dirname, '../../..');

export interface StackPorts {
  s3: number;
  dynamo: number;
  api: number;
}

export const freeStackPorts = async (): Promise<StackPorts> => {
  const [s3, dynamo, api] = (await freePorts(3)) as [number, number, number];
  return { s3, dynamo, api };
};

export interface NpmStart {
  child: ChildProcess;
  s3Endpoint: string;
  apiUrl: string;
  output(): string;
  /** Sends `signal` to the whole process group (npm, sh and node). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves once every process of the group is gone, with npm's exit code and signal. */
  ended(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when `GET /health` answers 200; throws with the output if the stack exits first. */
  healthy(timeoutMs?: number): Promise<void>;
  /** Resolves once the stack printed its ready line (start-up complete: samples uploaded or skipped). */
  ready(timeoutMs?: number): Promise<void>;
  /** True while npm (and so the stack it waits for) has not exited. */
  running(): boolean;
}

const live = new Set<ChildProcess>();
// A test run that dies must not leave a stack holding ports: kill every group still running.
process.once('exit', () => {
  for (const child of live) if (child.pid) killGroup(child.pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The stack's own settings a developer may have exported: a test starts from the defaults. */
const STACK_SETTINGS = [
  'KHULASA_SAMPLES',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_MODEL',
  'LLM_PROVIDER',
  'SUMMARY_LANGUAGES',
  'LOCAL_RETRY_DELAYS',
  'MAX_RECEIVE_COUNT',
  'LOCAL_CONCURRENCY',
  'LOCAL_FUNCTION_TIMEOUT_SECONDS',
  'LEASE_SECONDS',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_DYNAMODB',
  // The test runner silences Powertools for in-process suites; the stack keeps its own default.
  'POWERTOOLS_LOG_LEVEL',
  'LOG_LEVEL',
];

/** Runs `npm start` in `dataDir` on `ports`, with the defaults apart from `env`. */
export function launchNpmStart(
  dataDir: string,
  ports: StackPorts,
  env: Record<string, string> = {},
): NpmStart {
  const inherited = { ...process.env };
  for (const name of STACK_SETTINGS) delete inherited[name];
  const child = spawn('npm', ['start'], {
    cwd: REPO,
    detached: true,
    env: {
      ...inherited,
      // The pinned Node for `node infra/local/start.ts`, as `npm run` itself arranges.
      PATH: `${join(REPO, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
      KHULASA_DATA_DIR: dataDir,
      S3_PORT: String(ports.s3),
      DYNAMODB_PORT: String(ports.dynamo),
      PORT: String(ports.api),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid ?? 0;
  const apiUrl = `http://127.0.0.1:${ports.api}`;

  const ended = async () => {
    const result = await exited;
    // npm can be gone a moment before the stack it ran: wait for the whole group.
    while (groupAlive(pid)) await new Promise((r) => setTimeout(r, 50));
    live.delete(child);
    return result;
  };

  const healthy = async (timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `npm start exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${out}`,
        );
      try {
        const res = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(2_000) });
        last = `${res.status} ${await res.text()}`;
        if (res.status === 200) return;
      } catch (e: unknown) {
        last = e instanceof Error ? e.message : String(e);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`npm start not healthy after ${timeoutMs} ms (last: ${last}); output:\n${out}`);
  };

  const ready = async (timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!READY_PATTERN.test(out)) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `npm start exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${out}`,
        );
      if (Date.now() > deadline)
        throw new Error(`npm start not ready after ${timeoutMs} ms; output:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  return {
    child,
    s3Endpoint: `http://127.0.0.1:${ports.s3}`,
    apiUrl,
    output: () => out,
    signal: (signal) => killGroup(pid, signal),
    ready,
    running: () => child.exitCode === null && child.signalCode === null,
    ended,
    healthy,
  };
}

/** `npm start`, resolved once it answers `GET /health` with 200 and has printed its ready line. */
export async function startNpm(
  dataDir: string,
  ports: StackPorts,
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<NpmStart> {
  const stack = launchNpmStart(dataDir, ports, env);
  try {
    await stack.healthy(timeoutMs);
    await stack.ready(timeoutMs);
  } catch (e: unknown) {
    stack.signal('SIGKILL');
    await stack.ended();
    throw e;
  }
  return stack;
}

/** Ctrl-C: SIGINT to the group, then waits for every process of it to end. */
export async function interrupt(stack: NpmStart, signal: NodeJS.Signals = 'SIGINT') {
  stack.signal(signal);
  return stack.ended();
}
