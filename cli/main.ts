import { readFile } from 'node:fs/promises';
import { type Invocation, parseCommandLine, USAGE } from './args.ts';
import { CliError } from './errors.ts';
import { type Output, processOutput } from './output.ts';
import type { Target } from './target.ts';

/** The version in package.json, read when asked (the CLI runs from the repository, unbuilt). */
async function version(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

async function openTarget(invocation: Invocation, env: NodeJS.ProcessEnv): Promise<Target> {
  const { stack, outputs, token, region } = invocation.global;
  // Loaded on demand: the AWS SDK clients are most of the CLI's start-up time.
  if (stack) return (await import('./aws-target.ts')).awsTarget(stack, { outputs, token, region }, env);
  return (await import('./local-target.ts')).localTarget(env);
}

async function run(invocation: Invocation, env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  const { command } = invocation;
  if (command.name === 'help') {
    out.print(USAGE.trimEnd());
    return 0;
  }
  if (command.name === 'version') {
    out.print(`khulasa ${await version()}`);
    return 0;
  }
  if (command.name === 'watch') {
    const { watch } = await import('./commands/watch.ts');
    return watch({ stack: invocation.global.stack, all: command.all, json: command.json }, env, out);
  }
  const target = await openTarget(invocation, env);
  try {
    switch (command.name) {
      case 'upload':
        return await (await import('./commands/upload.ts')).upload(target, command, out);
      case 'list':
        return await (await import('./commands/read.ts')).list(target, command, out);
      case 'show':
        return await (await import('./commands/read.ts')).show(target, command, out);
      case 'text':
        return await (await import('./commands/read.ts')).text(target, command, out);
      case 'reprocess':
        return await (await import('./commands/reprocess.ts')).reprocess(target, command, out);
      case 'redrive':
        return await (await import('./commands/redrive.ts')).redrive(target, out);
      case 'reindex':
        return await (await import('./commands/reindex.ts')).reindex(target, out);
    }
  } finally {
    target.close();
  }
}

/** One line for anything that went wrong; SDK and network errors keep their own wording. */
export function describeError(e: unknown): string {
  if (e instanceof CliError) return e.message;
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? ` (${e.cause.message})` : '';
    const code = 'code' in e && typeof e.code === 'string' ? e.code : '';
    const message = e.message || code || 'failed without a message';
    const line =
      `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${message}${cause}`.split('\n')[0] ?? message;
    // The SDK's refusal names only the address; say what is probably not running.
    return line.includes('ECONNREFUSED') ? `${line}: is the stack running (npm start)?` : line;
  }
  return String(e);
}

/** Runs the CLI; resolves with the exit code. Never throws. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: Output = processOutput(),
): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await run(parseCommandLine(argv, env), env, out);
  } catch (e: unknown) {
    out.info(`khulasa: ${describeError(e)}`);
    if (debug && e instanceof Error && e.stack) out.info(e.stack);
    return e instanceof CliError ? e.exitCode : 1;
  }
}
