/**
 * Budgets 1 and 2 of `npm run bench`: what the entry bundles contain (deterministic, from
 * esbuild's metafile) and how long a fresh Node process takes to import them (+ the first
 * `GET /summaries/{id}` for the api), against baselines run the same way, alternately.
 *
 * Run on its own (`node bench/cold-start.ts [runs]`) it measures the import times only — no
 * emulator needed — and exits 1 when a ratio is over its budget:
 * - api: the api bundle vs a bare bundled DynamoDB `GetCommand` function (bench/baselines/api.ts);
 * - ingest: the ingest bundle vs a function that creates the S3, DynamoDB and OpenAI clients.
 * Both sides are bundled by the same `HouseFunction`, the AWS SDK inside (lambda-defaults.ts).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { INGEST_LAZY_MODULES } from '../infra/cdk/constructs/ingestion.ts';
import { REPO_ROOT } from '../infra/cdk/lambda-defaults.ts';
import { TRACER_MODULES } from '../infra/cdk/tracer-modules.ts';
import { type BundleInfo, synthBaselineBundles, synthProjectBundles } from './bundles.ts';
import { median } from './stats.ts';

const run = promisify(execFile);

/**
 * The entry files carry the AWS SDK clients they use (lambda-defaults.ts): for the api that is
 * ≈ 375 KB of DynamoDB and Secrets Manager clients and the credential chain beside ≈ 95 KB of
 * our code and libraries. The byte budgets bound growth; what a user feels is the cold-start
 * ratio below.
 */
export const API_BUNDLE_BUDGET_BYTES = 520_000;
export const INGEST_BUNDLE_BUDGET_BYTES = 1_300_000;
/**
 * The api's cold start may cost at most 15% more CPU than a bare bundled DynamoDB `GetCommand`
 * function's (`npm run bench` applies it to both rows unless told otherwise).
 */
export const COLD_START_RATIO_BUDGET = 1.15;
/**
 * The ingest function's, against a function that only creates its three clients: it also
 * parses the summariser, the text pipeline and Powertools, ≈ 270 KB more entry file, and stays
 * at the 1.3× it always had. (With the SDK left to the runtime, loading it from disk dominated
 * both sides and hid that difference: 1.02×.)
 */
export const INGEST_COLD_START_RATIO_BUDGET = 1.3;

/** What the api function must never load: the LLM SDK, the S3 client, the document parsers. */
export const API_FORBIDDEN = ['openai', '@aws-sdk/client-s3', ...INGEST_LAZY_MODULES];

export interface ContentCheck {
  bytes: number;
  budgetBytes: number;
  /** Forbidden or lazily loaded packages found inside the entry file. */
  inside: string[];
  /** Lazy packages the entry file imports statically (they would load at init). */
  importedAtInit: string[];
  /** Lazy packages that are not installed beside the entry file. */
  missingBeside: string[];
  pass: boolean;
}

const matches = (specifier: string, pkg: string) => specifier === pkg || specifier.startsWith(`${pkg}/`);

export function checkApiBundle(bundle: BundleInfo): ContentCheck {
  const inside = [...API_FORBIDDEN, ...TRACER_MODULES].filter((p) => bundle.packagesInEntry[p] !== undefined);
  // The forbidden packages may not be imported at all; the tracer only on first use.
  const importedAtInit = [
    ...API_FORBIDDEN.filter((p) => bundle.externalImports.some((i) => matches(i.path, p))),
    ...TRACER_MODULES.filter((p) =>
      bundle.externalImports.some((i) => matches(i.path, p) && i.kind !== 'dynamic-import'),
    ),
  ];
  const missingBeside = TRACER_MODULES.filter((p) => !bundle.shippedBeside.includes(p));
  return {
    bytes: bundle.entryBytes,
    budgetBytes: API_BUNDLE_BUDGET_BYTES,
    inside,
    importedAtInit,
    missingBeside,
    pass:
      bundle.entryBytes <= API_BUNDLE_BUDGET_BYTES &&
      inside.length === 0 &&
      importedAtInit.length === 0 &&
      missingBeside.length === 0,
  };
}

export function checkIngestBundle(bundle: BundleInfo): ContentCheck {
  const lazy = [...INGEST_LAZY_MODULES, ...TRACER_MODULES];
  const inside = lazy.filter((p) => bundle.packagesInEntry[p] !== undefined);
  const importedAtInit = lazy.filter((p) =>
    bundle.externalImports.some((i) => matches(i.path, p) && i.kind !== 'dynamic-import'),
  );
  const missingBeside = lazy.filter((p) => !bundle.shippedBeside.includes(p));
  return {
    bytes: bundle.entryBytes,
    budgetBytes: INGEST_BUNDLE_BUDGET_BYTES,
    inside,
    importedAtInit,
    missingBeside,
    pass:
      bundle.entryBytes <= INGEST_BUNDLE_BUDGET_BYTES &&
      inside.length === 0 &&
      importedAtInit.length === 0 &&
      missingBeside.length === 0,
  };
}

/** An API Gateway HTTP API (payload v2) `GET` event, as the local API server builds one. */
export function getEvent(rawPath: string) {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { host: 'bench.local', 'user-agent': 'khulasa-bench' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}

export interface ProbeTiming {
  /** CPU time (user + system) the import took, in ms. */
  importMs: number;
  /** CPU time of the first invocation, in ms (0 without an event). */
  firstRequestMs: number;
  /** CPU time of both. */
  totalMs: number;
  /** Wall-clock time of both, for the record: on a loaded machine it mostly measures the others. */
  wallMs: number;
}

/**
 * Imports the bundle in a new Node process and, with an event, invokes its handler once; the
 * times are taken inside that process (Node's own start-up is the same for every bundle).
 *
 * The figures are the process's CPU time, not wall-clock time: these machines run several
 * builds at once, and wall time then mostly measures how long the process waited for a core
 * (ratios of 1.0× to 1.6× for the same two bundles between runs). An initialising Lambda
 * function has its CPU to itself, so CPU time is what its cold start costs. A first request's
 * wait for the (local) DynamoDB is left out on both sides alike.
 */
async function probe(bundle: BundleInfo, env: Record<string, string>, event?: unknown): Promise<ProbeTiming> {
  const script = `
    const cpuMs = (since) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    const m = await import(${JSON.stringify(pathToFileURL(bundle.entry).href)});
    const importMs = cpuMs(c0);
    const c1 = process.cpuUsage();
    const event = ${JSON.stringify(event ?? null)};
    if (event !== null) {
      const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000, callbackWaitsForEmptyEventLoop: false };
      const result = await m.handler(event, context);
      if (result?.statusCode !== 200) throw new Error('first request answered ' + JSON.stringify(result).slice(0, 300));
    }
    const firstRequestMs = event === null ? 0 : cpuMs(c1);
    const wallMs = performance.now() - w0;
    process.stdout.write('\\n' + JSON.stringify({ importMs, firstRequestMs, totalMs: importMs + firstRequestMs, wallMs }) + '\\n');
    process.exit(0);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: bundle.dir,
    env,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as ProbeTiming;
}

export interface ColdStartFigure {
  runs: number;
  budget: number;
  bundleMs: number;
  baselineMs: number;
  ratio: number;
  pass: boolean;
}

/**
 * `runs` fresh processes for each, bundle and baseline alternating (so load from other work on
 * the machine hits both alike), after one unmeasured run each (file cache). Medians.
 */
export async function measureColdStart(options: {
  bundle: BundleInfo;
  baseline: BundleInfo;
  env: Record<string, string>;
  event?: unknown;
  runs: number;
  figure: (t: ProbeTiming) => number;
  /** Largest passing ratio. @default COLD_START_RATIO_BUDGET */
  budget?: number;
}): Promise<ColdStartFigure> {
  const { bundle, baseline, env, event, runs, figure, budget = COLD_START_RATIO_BUDGET } = options;
  await probe(bundle, env, event);
  await probe(baseline, env, event);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    ours.push(figure(await probe(bundle, env, event)));
    theirs.push(figure(await probe(baseline, env, event)));
  }
  const bundleMs = median(ours);
  const baselineMs = median(theirs);
  const ratio = bundleMs / baselineMs;
  return { runs, bundleMs, baselineMs, ratio, budget, pass: ratio <= budget };
}

/**
 * The function's environment as Lambda would give it: its template values, stand-ins for what
 * CloudFormation resolves at deploy time, and local endpoints (anything else fails fast).
 */
export function lambdaEnvironment(
  bundle: BundleInfo,
  standIns: Record<string, string>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'khulasa-bench',
    AWS_SECRET_ACCESS_KEY: 'khulasa-bench',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    ...bundle.environment,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    LOG_LEVEL: 'SILENT',
  };
  for (const name of bundle.deployTimeVariables) {
    const value = standIns[name] ?? (name.endsWith('_ARN') ? standIns['*_ARN'] : undefined);
    if (value === undefined) throw new Error(`No stand-in for the deploy-time value of ${name}.`);
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** `node bench/cold-start.ts [runs]`: both import ratios, printed; exit 1 when one is over budget. */
async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 15);
  const workDir = path.join(REPO_ROOT, '.cache', 'bench', `cold-start-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  try {
    process.stderr.write('cold-start: synthesising the app and the baselines (bundling on) …\n');
    const bundles = synthProjectBundles(path.join(workDir, 'synth'));
    const baselines = synthBaselineBundles(path.join(workDir, 'baselines'));
    const standIns = {
      TABLE_NAME: 'summaries-bench',
      QUEUE_URL: 'http://127.0.0.1:9/000000000000/khulasa-bench',
      EVENT_BUS_NAME: 'khulasa-bench-bus',
      '*_ARN': 'arn:aws:secretsmanager:us-east-1:000000000000:secret:khulasa-bench-AbCdEf',
    };
    const results: Record<string, ColdStartFigure & { bytes: number; baselineBytes: number }> = {};
    for (const name of ['api', 'ingest'] as const) {
      process.stderr.write(`cold-start: ${name} import, ${runs} fresh processes each, alternating …\n`);
      const figure = await measureColdStart({
        bundle: bundles[name],
        baseline: baselines[name],
        env: lambdaEnvironment(bundles[name], standIns),
        runs,
        figure: (t) => t.importMs,
        budget: name === 'api' ? COLD_START_RATIO_BUDGET : INGEST_COLD_START_RATIO_BUDGET,
      });
      results[name] = {
        ...figure,
        bytes: bundles[name].entryBytes,
        baselineBytes: baselines[name].entryBytes,
      };
    }
    for (const [name, r] of Object.entries(results)) {
      process.stdout.write(
        `${name.padEnd(6)} import ${r.bundleMs.toFixed(1)} ms vs baseline ${r.baselineMs.toFixed(1)} ms (CPU) = ` +
          `${r.ratio.toFixed(2)}× (budget ≤ ${r.budget.toFixed(2)}×) ${r.pass ? 'pass' : 'FAIL'}; ` +
          `entry ${(r.bytes / 1000).toFixed(1)} KB vs ${(r.baselineBytes / 1000).toFixed(1)} KB\n`,
      );
    }
    process.exitCode = Object.values(results).every((r) => r.pass) ? 0 : 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
