import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_LLM_CONCURRENCY, DEFAULT_OPENAI_MODEL, DEFAULT_SUMMARY_LANGUAGES } from '../context.ts';
import { HouseFunction, repoPath } from '../lambda-defaults.ts';
import { type LlmConcurrencyPlan, planLlmConcurrency } from '../llm-concurrency.ts';
import type { LlmContext } from '../llm-context.ts';
import { DEFAULT_MAX_RECEIVE_COUNT, INGEST_RETRY_BACKOFF, retryWindowSeconds } from '../retry-policy.ts';
import { TRACER_MODULES } from '../tracer-modules.ts';
import { grantBedrockInvoke } from './bedrock-grant.ts';
import { acknowledgeGrantWildcards } from './nag.ts';

/**
 * What only some inputs need: the o200k tokenizer (long articles), the DOCX, PDF and HTML
 * parsers and the legacy Arabic encoding tables. The pipeline imports each with a dynamic
 * `import()` on first use; left out of the entry bundle and installed beside it, a plain-text
 * article never loads them.
 */
export const INGEST_LAZY_MODULES: readonly string[] = [
  'gpt-tokenizer',
  'mammoth',
  'unpdf',
  'linkedom',
  '@mozilla/readability',
  'iconv-lite',
];

export interface IngestionProps {
  readonly bucket: s3.Bucket;
  readonly table: dynamodb.Table;
  /**
   * Holds the LLM key (a plain string: the OpenAI key, or Azure's api-key / Entra token); re-read
   * every minute. None for Bedrock, which signs with the function's role.
   */
  readonly openAiSecret?: secretsmanager.ISecret;
  /** The provider and its tuning. @default - openai with every default */
  readonly llm?: LlmContext;
  /**
   * The customer-managed KMS key an existing `openAiSecret` is encrypted with: reading the
   * secret then also needs `kms:Decrypt` on it. @default - the secret uses the AWS managed key
   */
  readonly openAiSecretKmsKeyArn?: string;
  /**
   * Receives before a message moves to the dead-letter queue; the handler's backoff between
   * them is `INGEST_RETRY_BACKOFF` (retry-policy.ts). @default DEFAULT_MAX_RECEIVE_COUNT (8)
   */
  readonly maxReceiveCount?: number;
  /**
   * How many LLM requests may be in flight at once, as event source concurrency × batch size ×
   * per-article map concurrency (llm-concurrency.ts). @default planLlmConcurrency(40)
   */
  readonly llmConcurrency?: LlmConcurrencyPlan;
  /** Function timeout, sized for a map-reduce run of several LLM calls. @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** Only keys under this prefix are ingested. @default - every key */
  readonly prefix?: string;
  /** Only keys with this suffix are ingested. @default - every key */
  readonly suffix?: string;
  /** @default 'gpt-4o-mini' */
  readonly openAiModel?: string;
  /** OpenAI-compatible endpoint. @default - not set: the SDK's default endpoint */
  readonly openAiBaseUrl?: string;
  /** @default 'ar,en' */
  readonly summaryLanguages?: string;
  /** Largest upload processed, checked before download. @default 10 MiB */
  readonly maxArticleBytes?: number;
  /** Largest extracted text processed. @default 2_000_000 */
  readonly maxTextChars?: number;
  /** LLM calls one article may cost (map + reduce). @default 40 */
  readonly maxLlmCallsPerArticle?: number;
  /** Handler module. @default functions/ingest/handler.ts */
  readonly entry?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Applied to the function's log group and the dead-letter queue. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * S3 notifications → SQS (with a dead-letter queue) → the ingest function, with the grants the
 * pipeline needs and nothing more.
 */
export class Ingestion extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: NodejsFunction;
  /** Receives before the dead-letter queue, as configured on the queue (and told to the handler). */
  readonly maxReceiveCount: number;
  /** The event source's and the handler's share of the LLM concurrency bound. */
  readonly llmConcurrency: LlmConcurrencyPlan;
  /** Total backoff a message gets before it is given up (see retry-policy.ts). */
  readonly retryWindow: Duration;
  /** The function's timeout (also the claim lease). */
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(5);
    this.timeout = timeout;
    const maxReceiveCount = props.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
    this.llmConcurrency = props.llmConcurrency ?? planLlmConcurrency(DEFAULT_LLM_CONCURRENCY);
    this.retryWindow = Duration.seconds(retryWindowSeconds(maxReceiveCount, INGEST_RETRY_BACKOFF));

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than the source queue's retention: SQS keeps a message's original enqueue time
      // when it moves it to the DLQ, so a shorter DLQ retention would drop it early.
      retentionPeriod: Duration.days(14),
      // Dead letters are articles nobody has looked at yet: kept with the stack's data in prod.
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      // SSE-SQS, not SSE-KMS: S3 can publish to it without a customer key policy.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // AWS's guidance for Lambda event sources: at least 6 × the function timeout, so a batch
      // retried by the poller is not redelivered while still running. It is also the delay of a
      // retry whose ChangeMessageVisibility failed: longer than the backoff's cap, never shorter.
      visibilityTimeout: Duration.seconds(Math.max(timeout.toSeconds() * 6, INGEST_RETRY_BACKOFF.maxSeconds)),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });
    this.maxReceiveCount = maxReceiveCount;

    const house = new HouseFunction(this, 'Ingest', {
      entry: props.entry ?? repoPath('functions/ingest/handler.ts'),
      description: 'Summarises articles uploaded to the bucket (S3 events via SQS)',
      serviceName: 'khulasa-ingest',
      timeout,
      memorySize: 1024,
      nodeModules: [...INGEST_LAZY_MODULES, ...TRACER_MODULES],
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment: {
        TABLE_NAME: props.table.tableName,
        QUEUE_URL: this.queue.queueUrl,
        // The retry policy (retry-policy.ts): on receive MAX_RECEIVE_COUNT the article is marked
        // failed, and each earlier failed receive waits RETRY_BASE_SECONDS × 2^(n−1), capped at
        // RETRY_MAX_SECONDS. The handler's backoff uses these same numbers (a test drives it).
        MAX_RECEIVE_COUNT: String(this.maxReceiveCount),
        RETRY_BASE_SECONDS: String(INGEST_RETRY_BACKOFF.baseSeconds),
        RETRY_MAX_SECONDS: String(INGEST_RETRY_BACKOFF.maxSeconds),
        // Chunk summaries of one long article in flight: the per-article share of -c llmConcurrency.
        LLM_MAP_CONCURRENCY: String(this.llmConcurrency.mapConcurrency),
        // Explicit: a missing key must be an alarmed failure, never a silent extractive fall-back.
        LLM_PROVIDER: props.llm?.provider ?? 'openai',
        ...(props.openAiSecret === undefined
          ? {}
          : { OPENAI_API_KEY_SECRET_ARN: props.openAiSecret.secretArn }),
        OPENAI_MODEL: props.llm?.bedrockModel ?? props.openAiModel ?? DEFAULT_OPENAI_MODEL,
        ...llmEnvironment(props.llm),
        ...(props.openAiBaseUrl === undefined ? {} : { OPENAI_BASE_URL: props.openAiBaseUrl }),
        SUMMARY_LANGUAGES: props.summaryLanguages ?? DEFAULT_SUMMARY_LANGUAGES,
        MAX_ARTICLE_BYTES: String(props.maxArticleBytes ?? 10 * 1024 * 1024),
        MAX_TEXT_CHARS: String(props.maxTextChars ?? 2_000_000),
        MAX_LLM_CALLS_PER_ARTICLE: String(props.maxLlmCallsPerArticle ?? 40),
        // The claim lease equals the timeout: after it, the run is certainly over.
        LEASE_SECONDS: String(timeout.toSeconds()),
      },
    });
    this.function = house.function;

    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: this.llmConcurrency.batchSize,
        maxConcurrency: this.llmConcurrency.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    const filters: s3.NotificationKeyFilter[] =
      props.prefix === undefined && props.suffix === undefined
        ? []
        : [
            {
              ...(props.prefix === undefined ? {} : { prefix: props.prefix }),
              ...(props.suffix === undefined ? {} : { suffix: props.suffix }),
            },
          ];
    const destination = new SqsDestination(this.queue);
    props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, ...filters);
    props.bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, destination, ...filters);

    // HeadObject needs s3:ListBucket to answer 404 (not 403) for a deleted article.
    props.bucket.grantRead(this.function);
    props.table.grantReadWriteData(this.function);
    // The handler backs off transient failures by pushing the message's visibility out.
    this.queue.grant(this.function, 'sqs:ChangeMessageVisibility');
    props.openAiSecret?.grantRead(this.function);
    if (props.llm?.provider === 'bedrock' && props.llm.bedrockModel !== undefined)
      grantBedrockInvoke(house.role, props.llm.bedrockModel);
    if (props.openAiSecretKmsKeyArn !== undefined) {
      // Only through Secrets Manager: the role cannot decrypt anything else with that key.
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.openAiSecretKmsKeyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      );
    }

    acknowledgeGrantWildcards(house.role, { bucket: props.bucket, table: props.table });
  }
}

/** The Azure settings and the tuning options given through `-c`; unset ones keep the function's defaults. */
function llmEnvironment(llm: LlmContext | undefined): Record<string, string> {
  if (llm === undefined) return {};
  const env: Record<string, string> = { ...llm.tuning };
  const { azure } = llm;
  if (llm.provider === 'azure') {
    if (azure.endpoint !== undefined) env.AZURE_OPENAI_ENDPOINT = azure.endpoint;
    if (azure.deployment !== undefined) env.AZURE_OPENAI_DEPLOYMENT = azure.deployment;
    if (azure.apiVersion !== undefined) env.OPENAI_API_VERSION = azure.apiVersion;
    if (azure.auth !== undefined) env.AZURE_OPENAI_AUTH = azure.auth;
  }
  return env;
}
