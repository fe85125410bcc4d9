import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Alarms } from './constructs/alarms.ts';
import { Api } from './constructs/api.ts';
import { Dashboard } from './constructs/dashboard.ts';
import { OutcomeEvents } from './constructs/events.ts';
import { Ingestion } from './constructs/ingestion.ts';
import { acknowledgeBucketNotificationsHandler } from './constructs/nag.ts';
import { logBucketNotificationsHandler } from './constructs/notifications-log.ts';
import { Storage } from './constructs/storage.ts';
import type { KhulasaContext } from './context.ts';
import { planLlmConcurrency } from './llm-concurrency.ts';

export interface KhulasaStackProps extends StackProps {
  /** The parsed `-c` options (see `context.ts`). */
  readonly config: KhulasaContext;
  /** Handler modules, overridable for tests. @default the repository's functions/{ingest,api}/handler.ts */
  readonly entries?: { readonly ingest?: string; readonly api?: string };
}

/** khulasa in one stack: bucket → queue → ingest function → table ← api function ← HTTP API. */
export class KhulasaStack extends Stack {
  readonly storage: Storage;
  readonly ingestion: Ingestion;
  readonly api: Api;
  readonly events: OutcomeEvents;
  readonly alarms: Alarms;
  readonly dashboard: Dashboard;
  /** The LLM key's secret; none with `-c llmProvider=bedrock` (the function's role signs). */
  readonly openAiSecret: secretsmanager.ISecret | undefined;
  readonly bucketNotificationsLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: KhulasaStackProps) {
    super(scope, id, props);
    const { config } = props;
    // Production keeps data when the stack goes away; `-c stage=dev` makes everything disposable.
    const removalPolicy = config.disposable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.storage = new Storage(this, 'Storage', {
      removalPolicy,
      deletionProtection: !config.disposable,
      autoDeleteObjects: config.disposable,
    });

    this.openAiSecret =
      config.llm.provider === 'bedrock' ? undefined : openAiSecret(this, config.openAiSecret, removalPolicy);

    this.ingestion = new Ingestion(this, 'Ingestion', {
      bucket: this.storage.bucket,
      table: this.storage.table,
      ...(this.openAiSecret === undefined ? {} : { openAiSecret: this.openAiSecret }),
      openAiSecretKmsKeyArn: config.openAiSecretKmsKey,
      llm: config.llm,
      maxReceiveCount: config.maxReceiveCount,
      llmConcurrency: planLlmConcurrency(config.llmConcurrency),
      prefix: config.prefix,
      suffix: config.suffix,
      openAiModel: config.openAiModel,
      openAiBaseUrl: config.openAiBaseUrl,
      summaryLanguages: config.summaryLanguages,
      entry: props.entries?.ingest,
      removalPolicy,
    });

    this.events = new OutcomeEvents(this, 'Events', { publisher: this.ingestion.function });

    this.api = new Api(this, 'Api', {
      table: this.storage.table,
      auth: config.apiAuth,
      entry: props.entries?.api,
      removalPolicy,
    });

    this.alarms = new Alarms(this, 'Alarms', {
      queue: this.ingestion.queue,
      deadLetterQueue: this.ingestion.deadLetterQueue,
      ingestFunction: this.ingestion.function,
      apiFunction: this.api.function,
      apiStage: this.api.stage,
      // A message retried to the end stays about the retry window plus one run per receive;
      // older than that, and nothing is consuming the queue.
      oldestMessageAge: Duration.seconds(
        this.ingestion.retryWindow.toSeconds() +
          this.ingestion.maxReceiveCount * this.ingestion.timeout.toSeconds(),
      ),
      alarmEmail: config.alarmEmail,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      ingestFunction: this.ingestion.function,
      apiFunction: this.api.function,
      queue: this.ingestion.queue,
      deadLetterQueue: this.ingestion.deadLetterQueue,
    });

    acknowledgeBucketNotificationsHandler(this);
    this.bucketNotificationsLogGroup = logBucketNotificationsHandler(this, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });

    new CfnOutput(this, 'BucketName', { value: this.storage.bucket.bucketName });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: this.ingestion.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.ingestion.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'EventBusName', {
      value: this.events.bus.eventBusName,
      description:
        'Every done, failed and deleted summary is published here (source khulasa): add a rule to consume them',
    });
    // The CLI's `reprocess --stale` compares records with the model the stack summarises with.
    new CfnOutput(this, 'OpenAiModel', {
      value: config.llm.bedrockModel ?? config.llm.azure.deployment ?? config.openAiModel,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarms.topic.topicArn,
      description: 'Every alarm and its recovery is published here: subscribe email, chat or paging to it',
    });
    if (this.openAiSecret !== undefined)
      new CfnOutput(this, 'OpenAiSecretArn', {
        value: this.openAiSecret.secretArn,
        description:
          'Put the OpenAI API key here: aws secretsmanager put-secret-value --secret-id <this> --secret-string <key>',
      });
  }
}

/**
 * The secret holding the OpenAI key: an existing one named by `-c openAiSecret=<name|ARN>`, or
 * a new secret created *without a value*, so the ingest function reports `llm_not_configured`
 * (and alarms) until an operator puts the key in — never a made-up key.
 */
function openAiSecret(scope: Construct, ref: string | undefined, removalPolicy: RemovalPolicy) {
  const id = 'OpenAiApiKey';
  if (ref !== undefined) {
    if (!ref.startsWith('arn:')) return secretsmanager.Secret.fromSecretNameV2(scope, id, ref);
    // A complete ARN ends with the 6-character suffix Secrets Manager appends to the name.
    return /-[A-Za-z0-9]{6}$/.test(ref)
      ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, ref)
      : secretsmanager.Secret.fromSecretPartialArn(scope, id, ref);
  }
  const secret = new secretsmanager.Secret(scope, id, {
    description: 'khulasa: OpenAI API key (plain string). Empty until you put-secret-value.',
    removalPolicy,
  });
  // The L2 always generates a random value when given none; a random string is not a key.
  const cfn = secret.node.defaultChild as secretsmanager.CfnSecret;
  cfn.addPropertyDeletionOverride('GenerateSecretString');
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'An OpenAI API key cannot be rotated by a Lambda rotation function; it is replaced by hand ' +
      '(put-secret-value) when it is revoked at the provider.',
  });
  return secret;
}
