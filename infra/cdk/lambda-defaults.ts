import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { copyBesideEntryCommands } from './beside-entry.ts';

/** The repository root: entries and the lock file are resolved from here, not from the cwd. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a file in the repository. */
export const repoPath = (relative: string): string => path.join(REPO_ROOT, relative);

/** Node.js 24 on Lambda; spelled out when this aws-cdk-lib predates the constant. */
const NODE_RUNTIME: lambda.Runtime =
  lambda.Runtime.NODEJS_24_X ?? new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS);

/**
 * ESM bundles still contain CommonJS dependencies that call `require` for Node built-ins; an ESM
 * module has no `require`, so define one. The import is aliased so it cannot clash with a
 * bundled module's own `createRequire` import.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __khulasaCreateRequire } from 'node:module'; const require = __khulasaCreateRequire(import.meta.url);";

export interface HouseFunctionProps {
  /** Absolute path of the handler module (it must export `handler`). */
  readonly entry: string;
  /** Shown in the Lambda console. */
  readonly description: string;
  /** Also the ingest claim lease, so size it for the slowest legitimate run. */
  readonly timeout: Duration;
  /** Handler configuration (the env contract); `POWERTOOLS_SERVICE_NAME` and `LOG_LEVEL` are added. */
  readonly environment: Readonly<Record<string, string>>;
  /** Powertools service name, also the log group's purpose. */
  readonly serviceName: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Applied to the log group. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Packages left out of the entry bundle and copied beside it (the asset's node_modules, from
   * the repository's installed node_modules — no registry needed at synth):
   * what only some inputs need, imported with a dynamic `import()` on first use, so a cold
   * start never evaluates them. @default [] (everything, the AWS SDK included, is bundled)
   */
  readonly nodeModules?: readonly string[];
}

/*
 * Why the AWS SDK is bundled into every function instead of being left to the runtime's copy.
 *
 * nodejs24.x ships an SDK v3, but of a version Lambda chooses and changes without a deploy,
 * which no test here ever ran against; bundled, each function carries the exact `@aws-sdk/*`
 * and `@smithy/*` versions the lockfile installed and the tests exercised.
 *
 * It is also faster to start. Resolving the runtime's SDK means Node opens and evaluates a few
 * hundred module files at init; one minified bundle with only the commands the code uses
 * is a single file. Measured with `node bench/cold-start.ts` (fresh processes, import only,
 * medians): with the SDK external the api bundle imported in 1.59× the time of a bare bundled
 * DynamoDB `GetCommand` function (129 ms vs 81 ms); with the SDK bundled, in ≈ 84 ms.
 * `npm run bench` and `node bench/cold-start.ts` hold the api to ≤ 1.15× of that baseline in
 * CPU time (measured 1.11–1.14×: 94 ms vs 83 ms on a loaded 2-core machine). The entry files
 * grow (they carry the clients), which the byte budgets in bench/cold-start.ts account for.
 *
 * Nothing is fetched at synth: esbuild reads the SDK from the repository's node_modules, so
 * `cdk synth` stays offline.
 */

/**
 * Context key: when true, esbuild also writes `index.meta.json` (its metafile) beside each
 * bundle. Only the bundle-budget test and `npm run bench` set it, to prove what is inside an
 * entry bundle; a deployment never does, so the artifact carries no metafile.
 */
export const BUNDLE_METAFILE_CONTEXT = 'khulasa:bundleMetafile';

/**
 * The esbuild options every house function is bundled with (`npm run bench` builds its baseline
 * bundles with this same object, so a ratio compares code, never build settings).
 */
function houseBundling(
  options: { nodeModules?: readonly string[]; metafile?: boolean } = {},
): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: ESM_REQUIRE_BANNER,
    minify: true,
    // A .map file beside the bundle for decoding stack traces offline; no sources inside
    // (smaller artifact) and no --enable-source-maps, which slows every cold start and
    // every stack trace.
    sourceMap: true,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: false,
    // Only the lazily imported packages copied beside the entry: the AWS SDK is bundled (above).
    externalModules: [...(options.nodeModules ?? [])],
    ...(options.nodeModules && options.nodeModules.length > 0
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (_inputDir: string, outputDir: string) =>
              copyBesideEntryCommands(REPO_ROOT, options.nodeModules ?? [], outputDir),
          },
        }
      : {}),
    ...(options.metafile ? { metafile: true } : {}),
  };
}

/**
 * The house Lambda function: Node.js 24 on arm64, an ESM bundle built by the local esbuild
 * (never Docker), its own log group with retention, X-Ray active tracing, and a role that may
 * write only to that log group and send traces (no AWS managed policy).
 */
export class HouseFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole: that managed policy lets the
    // function write to every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.serviceName} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      // Lambda samples and records each invocation; CDK adds xray:PutTraceSegments and
      // xray:PutTelemetryRecords to the role. Spans for the SDK and LLM calls inside an
      // invocation need a Powertools Tracer in the handler code, which is not wired yet.
      tracing: lambda.Tracing.ACTIVE,
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        LOG_LEVEL: props.logLevel ?? 'INFO',
      },
      bundling: houseBundling({
        ...(props.nodeModules ? { nodeModules: props.nodeModules } : {}),
        metafile: this.node.tryGetContext(BUNDLE_METAFILE_CONTEXT) === true,
      }),
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
        'permissions, so the statement CDK adds for Tracing.ACTIVE must name every resource.',
    });
  }
}
