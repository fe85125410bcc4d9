import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

/** What the command line asked for, validated: commands never look at raw argv. */
const STATUSES = ['processing', 'done', 'failed', 'deleted'] as const;
export type Status = (typeof STATUSES)[number];

interface GlobalOptions {
  /** A deployed stack's name (`--stack` or `KHULASA_STACK`); null means the local stack. */
  stack: string | null;
  /** The CDK outputs file (`npx cdk deploy --outputs-file …`). */
  outputs: string;
  /** A JWT for a JWT-protected API; without it deployed APIs are called SigV4-signed. */
  token: string | null;
  region: string | null;
  debug: boolean;
}

type Command =
  | { name: 'help' }
  | { name: 'version' }
  | {
      name: 'upload';
      paths: string[];
      /** The folder relative paths are read from: where the user typed the command. */
      from: string;
      prefix: string;
      wait: boolean;
      timeoutSeconds: number;
    }
  | { name: 'list'; status: Status | null; limit: number }
  | { name: 'show'; ref: string; bidiIsolate: boolean }
  | { name: 'text'; ref: string }
  | { name: 'reprocess'; stale: boolean; prefix: string | null; yes: boolean }
  | { name: 'redrive' }
  | { name: 'reindex' }
  | { name: 'watch'; all: boolean; json: boolean };

export interface Invocation {
  global: GlobalOptions;
  command: Command;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const GLOBAL_OPTIONS: Options = {
  stack: { type: 'string' },
  outputs: { type: 'string' },
  token: { type: 'string' },
  region: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

const COMMAND_OPTIONS: Record<Exclude<Command['name'], 'version'>, Options> = {
  help: {},
  upload: {
    prefix: { type: 'string' },
    wait: { type: 'boolean', default: true },
    timeout: { type: 'string' },
  },
  list: { status: { type: 'string' }, limit: { type: 'string' } },
  show: { 'bidi-isolate': { type: 'boolean' } },
  text: {},
  reprocess: { stale: { type: 'boolean' }, prefix: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
  redrive: {},
  reindex: {},
  watch: { all: { type: 'boolean' }, json: { type: 'boolean' } },
};

const COMMANDS = Object.keys(COMMAND_OPTIONS);

export const USAGE = `Usage: khulasa <command> [options]
       (from the repository: npm run khulasa -- <command> [options])

Commands:
  help                         this text (also --help, -h); --version (-v) prints the version
  upload <files or folders…>   upload articles, wait for their summaries, print a table
         [--prefix incoming/] [--no-wait] [--timeout 300]
  list [--status done|failed|processing|deleted] [--limit 20]
                               newest first
  show <id|key> [--bidi-isolate]
                               the summaries in every language
  text <id|key>                the normalised article text
  reprocess (--stale | --prefix <key prefix>) [--yes]
                               re-run ingestion for outdated records or a key prefix
  redrive                      move dead-letter messages back to the queue
  reindex                      index records the filters and facets miss (written before filters
                               existed, or whose index write was cut short); safe to repeat
  watch [--all] [--json]       print done, failed and deleted summaries as they happen (local
                               stack; --all: the events logged so far first)

Target (the local stack by default, endpoints from S3_PORT, DYNAMODB_PORT, PORT, KHULASA_DATA_DIR):
  --stack <name>               a deployed stack (or KHULASA_STACK), e.g. Khulasa-prod
  --outputs <file>             its CDK outputs file (default cdk-outputs.json)
  --token <jwt>                for a JWT-protected API (default: SigV4 with your AWS credentials)
  --region <region>            AWS region (default: from the SDK's configuration)
  --debug                      show stack traces
`;

const positiveInt = (name: string, raw: string | undefined, fallback: number, max: number): number => {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new UsageError(`--${name} must be an integer from 1 to ${max}`);
  return Number(raw);
};

function strict(args: string[], options: Options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, allowNegative: true, strict: true });
  } catch (e: unknown) {
    // parseArgs' messages name the option; the hint about `--` is noise for our users.
    const message = e instanceof Error ? e.message.replace(/\. To specify a positional.*$/s, '') : String(e);
    throw new UsageError(message);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Parses argv (without `node` and the script), e.g. `['show', 'incoming/a.txt', '--stack', 'x']`. */
/**
 * Where the user typed the command. `npm run khulasa -- upload ./x` runs the CLI from the package
 * root, not from there; npm says where it was started in `INIT_CWD`. Only trusted when npm itself
 * ran this CLI as a script (`INIT_CWD` is inherited by everything under any npm script).
 */
function invocationDir(env: NodeJS.ProcessEnv): string {
  const byNpm = env.INIT_CWD && env.npm_lifecycle_script?.includes('cli/khulasa.ts');
  return byNpm && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): Invocation {
  // First pass with every option known, to find the command wherever the global options sit.
  const all: Options = Object.assign({}, GLOBAL_OPTIONS, ...Object.values(COMMAND_OPTIONS));
  const first = strict(argv, all);
  const name = first.positionals[0];
  if (name !== undefined && !COMMANDS.includes(name))
    throw new UsageError(`unknown command "${name}" (try khulasa help)`);

  const commandOptions = name ? (COMMAND_OPTIONS[name as keyof typeof COMMAND_OPTIONS] ?? {}) : {};
  // Second pass: only the global options and this command's own are accepted.
  const { values, positionals } = strict(argv, { ...GLOBAL_OPTIONS, ...commandOptions });
  const args = positionals.slice(1);

  const global: GlobalOptions = {
    stack: str(values.stack) ?? (env.KHULASA_STACK?.trim() || null),
    outputs: str(values.outputs) ?? 'cdk-outputs.json',
    token: str(values.token) ?? null,
    region: str(values.region) ?? null,
    debug: values.debug === true,
  };
  if (values.version === true) return { global, command: { name: 'version' } };
  if (values.help === true || name === undefined || name === 'help')
    return { global, command: { name: 'help' } };

  const noMoreThan = (n: number, what: string) => {
    if (args.length > n) throw new UsageError(`${name} takes ${what}; unexpected "${args[n]}"`);
  };
  const oneRef = (): string => {
    noMoreThan(1, 'one id or key');
    const ref = args[0];
    if (!ref) throw new UsageError(`${name} needs an id or a key`);
    return ref;
  };

  switch (name) {
    case 'upload': {
      if (args.length === 0) throw new UsageError('upload needs at least one file or folder');
      const prefix = str(values.prefix) ?? 'incoming/';
      return {
        global,
        command: {
          name,
          paths: args,
          from: invocationDir(env),
          // A prefix is a "folder": `--prefix news` means `news/…`, as users expect.
          prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
          wait: values.wait !== false,
          timeoutSeconds: positiveInt('timeout', str(values.timeout), 300, 86_400),
        },
      };
    }
    case 'list': {
      noMoreThan(0, 'no arguments');
      const status = str(values.status);
      if (status !== undefined && !(STATUSES as readonly string[]).includes(status))
        throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
      return {
        global,
        command: {
          name,
          status: (status as Status | undefined) ?? null,
          limit: positiveInt('limit', str(values.limit), 20, 10_000),
        },
      };
    }
    case 'show':
      return { global, command: { name, ref: oneRef(), bidiIsolate: values['bidi-isolate'] === true } };
    case 'text':
      return { global, command: { name, ref: oneRef() } };
    case 'reprocess': {
      noMoreThan(0, 'no arguments');
      const prefix = str(values.prefix) ?? null;
      const stale = values.stale === true;
      if (!stale && prefix === null)
        throw new UsageError('reprocess needs --stale, --prefix <key prefix>, or both');
      return { global, command: { name, stale, prefix, yes: values.yes === true } };
    }
    case 'reindex':
      noMoreThan(0, 'no arguments');
      return { global, command: { name } };
    case 'watch':
      noMoreThan(0, 'no arguments');
      return { global, command: { name, all: values.all === true, json: values.json === true } };
    default:
      noMoreThan(0, 'no arguments');
      return { global, command: { name: 'redrive' } };
  }
}
