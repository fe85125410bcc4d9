import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A free loopback port: tests never use the fixed defaults, so they run beside `npm start`. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}

/**
 * `count` distinct free loopback ports. All are held open until every one is chosen: asked one
 * at a time, the system may hand the same just-closed port out twice.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
              const address = server.address();
              resolve(typeof address === 'object' && address ? address.port : 0);
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

export interface StackProcess {
  child: ChildProcess;
  s3Endpoint: string;
  apiUrl: string;
  dynamoEndpoint: string;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

const REPO = join(import.meta.dirname, '../..');

/** Starts the local stack exactly as `npm start` does, in its own process. */
export async function startStackProcess(env: Record<string, string>): Promise<StackProcess> {
  const [s3Port, dynamoPort, apiPort] = await freePorts(3);
  const child = spawn(process.execPath, ['infra/local/start.ts'], {
    cwd: REPO,
    env: {
      ...process.env,
      S3_PORT: String(s3Port),
      DYNAMODB_PORT: String(dynamoPort),
      PORT: String(apiPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const w of waiters.splice(0)) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForOutput = async (pattern: RegExp, timeoutMs = 60_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = out.match(pattern);
      if (match) return match[0];
      if (child.exitCode !== null) throw new Error(`stack exited (${child.exitCode}):\n${out}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
    throw new Error(`timed out waiting for ${pattern}; output so far:\n${out}`);
  };

  const stack: StackProcess = {
    child,
    s3Endpoint: `http://127.0.0.1:${s3Port}`,
    dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    output: () => out,
    waitForOutput,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  // Printed once start-up is complete (samples uploaded or skipped): the output before it is final.
  await waitForOutput(READY_PATTERN);
  return stack;
}

/** `npm start`'s last start-up line. */
export const READY_PATTERN = /^khulasa: ready$/m;

export interface FinishedProcess {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of the local stack's scripts (`start.ts`, `reset.ts`) to its end, as npm would. */
export function runLocalScript(
  script: 'start.ts' | 'reset.ts',
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<FinishedProcess> {
  const child = spawn(process.execPath, [`infra/local/${script}`], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not exit within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Polls until `predicate` holds for the JSON at `url`, or fails with the last answer. */
export async function pollJson<T>(
  url: string,
  predicate: (body: T, status: number) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(url);
    const text = await res.text();
    last = `${res.status} ${text}`;
    try {
      const body = JSON.parse(text) as T;
      if (predicate(body, res.status)) return body;
    } catch {
      // Not JSON yet (e.g. still starting): keep polling.
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`condition not met for ${url}; last answer: ${last}`);
}
