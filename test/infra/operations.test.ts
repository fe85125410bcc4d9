import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it, vi } from 'vitest';
import { defaultDeps } from '../../functions/ingest/deps.ts';
import { SqsVisibilityBackoff } from '../../functions/ingest/sqs-backoff.ts';
import { recordOutcome, recordRetry } from '../../functions/ingest/telemetry.ts';
import { LIST_PROJECTED_ATTRIBUTES } from '../../infra/cdk/constructs/storage.ts';
import { planLlmConcurrency } from '../../infra/cdk/llm-concurrency.ts';
import { loadIngestConfig } from '../../lib/config/ingest.ts';
import { retryDelaySeconds } from '../../lib/pipeline/backoff.ts';
import { DynamoSummaryReader } from '../../lib/store/reader.ts';
import { INDEXES, TABLE_KEYS } from '../../lib/store/table-schema.ts';
import { onlyResource, synthWithoutBundling } from './support.ts';

// The default (prod) stack: what `cdk deploy` without options creates.
const { template } = synthWithoutBundling();

type Props = Record<string, unknown>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
type Template = typeof template;

const ingestFnOf = (t: Template) =>
  onlyResource(t, 'AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { QUEUE_URL: Match.anyValue() } } },
  });
const ingestFn = ingestFnOf(template);
const apiFn = onlyResource(template, 'AWS::Lambda::Function', {
  Properties: { Environment: { Variables: { CURSOR_SECRET_ARN: Match.anyValue() } } },
});
const queue = onlyResource(template, 'AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } });
const dlq = onlyResource(template, 'AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.absent() } });
const topic = onlyResource(template, 'AWS::SNS::Topic');
const envOf = (fn: { properties: Props }) =>
  (fn.properties.Environment as { Variables: Record<string, string> }).Variables;
const ingestEnv = envOf(ingestFn);
/** The ingest environment as Lambda would see it: deploy-time references replaced by stand-ins. */
const lambdaEnv = {
  ...Object.fromEntries(Object.entries(ingestEnv).filter(([, v]) => typeof v === 'string')),
  TABLE_NAME: 'khulasa',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/khulasa',
  OPENAI_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:khulasa-AbCdEf',
};

function statementsOf(t: Template, fn: { properties: Props }): Statement[] {
  const roleId = (fn.properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
}
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('retries', () => {
  const maxReceiveCount = (queue.properties.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount;
  const backoff = {
    baseSeconds: Number(ingestEnv.RETRY_BASE_SECONDS),
    maxSeconds: Number(ingestEnv.RETRY_MAX_SECONDS),
  };

  it('give an article at least 5 receives, and tell the handler the same count and backoff', () => {
    expect(maxReceiveCount).toBeGreaterThanOrEqual(5);
    expect(ingestEnv.MAX_RECEIVE_COUNT).toBe(String(maxReceiveCount));
    expect(backoff).toEqual({ baseSeconds: 30, maxSeconds: 900 });
  });

  it('back off for 15 minutes or more before an article is given up', () => {
    let window = 0;
    for (let receive = 1; receive < maxReceiveCount; receive += 1)
      window += retryDelaySeconds(receive, backoff);

    expect(window).toBeGreaterThanOrEqual(15 * 60);
    // And all of it fits in the queue's retention, so a retried message is never dropped.
    expect(queue.properties.MessageRetentionPeriod).toBeGreaterThan(window + maxReceiveCount * 300);
  });

  it('are paced by the real handler backoff with exactly the delays the stack configures', async () => {
    const timeouts: number[] = [];
    const sqs = {
      send: async (command: { input: { VisibilityTimeout: number } }) => {
        timeouts.push(command.input.VisibilityTimeout);
        return {};
      },
    } as unknown as SQSClient;
    // The handler's own configuration, read from the environment the stack gives the function.
    const retries = new SqsVisibilityBackoff({
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/khulasa',
      logger: new Logger({ logLevel: 'SILENT' }),
      sqs,
      policy: loadIngestConfig(lambdaEnv).retryBackoff,
    });
    const receives = Array.from({ length: maxReceiveCount - 1 }, (_, i) => i + 1);

    for (const receive of receives) {
      await retries.backoff({ messageId: 'm', receiptHandle: 'r' }, receive, new Error('LLM down'));
    }

    expect(timeouts).toEqual(receives.map((receive) => retryDelaySeconds(receive, backoff)));
  });

  it('hide a message that failed without backoff for longer than the longest backoff', () => {
    expect(queue.properties.VisibilityTimeout).toBeGreaterThanOrEqual(backoff.maxSeconds);
  });
});

describe('LLM concurrency', () => {
  it('bounds requests in flight by the default llmConcurrency of 40 across invocations', () => {
    const esm = onlyResource(template, 'AWS::Lambda::EventSourceMapping');
    const invocations = (esm.properties.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency;
    const perInvocation = esm.properties.BatchSize as number;
    const perArticle = Number(ingestEnv.LLM_MAP_CONCURRENCY);

    expect(invocations * perInvocation * perArticle).toBeLessThanOrEqual(40);
    expect(invocations * perInvocation * perArticle).toBe(40);
    // The handler accepts the map concurrency the stack sets.
    expect(loadIngestConfig(lambdaEnv).llm.mapConcurrency).toBe(perArticle);
  });

  it('never plans more than the bound, and always a valid event source', () => {
    for (let bound = 2; bound <= 5000; bound += 1) {
      const plan = planLlmConcurrency(bound);

      expect(plan.worstCaseInFlight).toBe(plan.maxConcurrency * plan.batchSize * plan.mapConcurrency);
      expect(plan.worstCaseInFlight).toBeLessThanOrEqual(bound);
      expect(plan.maxConcurrency).toBeGreaterThanOrEqual(2);
      expect(plan.maxConcurrency).toBeLessThanOrEqual(1000);
      expect(plan.batchSize).toBeGreaterThanOrEqual(1);
      expect(plan.mapConcurrency).toBeGreaterThanOrEqual(1);
    }
  });
});

type Alarm = { Properties: Props };
const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];
const alarmOn = (namespace: string, metricName: string) =>
  alarms.filter((a) => a.Properties.Namespace === namespace && a.Properties.MetricName === metricName);
const fnDimension = (fn: { logicalId: string }) => [{ Name: 'FunctionName', Value: { Ref: fn.logicalId } }];

describe('alarms', () => {
  it('go, with their recoveries, to the SNS topic the stack always creates', () => {
    expect(alarms).toHaveLength(9);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic.logicalId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topic.logicalId }]);
    }
    // Subscribed only when -c alarmEmail is given (variants.test.ts).
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(template.toJSON().Outputs.AlarmTopicArn.Value).toEqual({ Ref: topic.logicalId });
  });

  it('may publish to the topic, whose own policy replaces the default one', () => {
    const policy = onlyResource(template, 'AWS::SNS::TopicPolicy');
    const statements = (policy.properties.PolicyDocument as { Statement: (Statement & Props)[] }).Statement;
    const allowCloudWatch = statements.filter(
      (s) =>
        s.Effect === 'Allow' &&
        JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }) &&
        actionsOf(s).includes('sns:Publish'),
    );

    expect(policy.properties.Topics).toEqual([{ Ref: topic.logicalId }]);
    expect(allowCloudWatch).toHaveLength(1);
    expect(allowCloudWatch[0]?.Condition).toMatchObject({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    });
    expect(JSON.stringify(allowCloudWatch[0]?.Condition)).toContain(':alarm:*');
  });

  it('watch the dead-letter queue depth and the age of the oldest message on the main queue', () => {
    const [deadLetters] = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible');
    const [oldest] = alarmOn('AWS/SQS', 'ApproximateAgeOfOldestMessage');

    expect(deadLetters?.Properties).toMatchObject({
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq.logicalId, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(oldest?.Properties).toMatchObject({
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue.logicalId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // Older than any message can get while it is still being retried.
    expect(oldest?.Properties.Threshold).toBeGreaterThan(45 * 60);
  });

  it('watch errors and throttles of both functions', () => {
    for (const metric of ['Errors', 'Throttles']) {
      const dims = alarmOn('AWS/Lambda', metric).map((a) => a.Properties.Dimensions);
      expect(dims).toEqual(expect.arrayContaining([fnDimension(ingestFn), fnDimension(apiFn)]));
    }
  });

  it('watch 5xx answers of the HTTP API stage', () => {
    const stage = onlyResource(template, 'AWS::ApiGatewayV2::Stage');
    const [api5xx] = alarmOn('AWS/ApiGateway', '5xx');

    expect(api5xx?.Properties.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'ApiId', Value: stage.properties.ApiId },
        { Name: 'Stage', Value: '$default' },
      ]),
    );
  });

  it('watch the share of articles ending failed, from the metrics the ingest function emits', () => {
    const [rate] = alarms.filter((a) => Array.isArray(a.Properties.Metrics));
    const queries = rate?.Properties.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown } };
    }[];
    const watched = queries.flatMap((q) => (q.MetricStat ? [q.MetricStat.Metric] : []));

    expect(queries.find((q) => q.Expression)?.Expression).toContain('100 * FILL(failed, 0)');
    expect(rate?.Properties).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanThreshold' });
    expect(watched.map((m) => m.MetricName).sort()).toEqual(['ArticlesDone', 'ArticlesFailed']);
    for (const metric of watched) expect(emitted).toContainEqual(asEmitted(metric));
  });

  it('watch llm_not_configured retries, the metric the ingest function emits for a missing key', () => {
    const [missingKey] = alarms.filter((a) =>
      JSON.stringify(a.Properties.Dimensions ?? []).includes('llm_not_configured'),
    );

    expect(missingKey?.Properties).toMatchObject({ MetricName: 'ArticlesRetried', Threshold: 0 });
    expect(emitted).toContainEqual(
      asEmitted({
        Namespace: missingKey?.Properties.Namespace as string,
        MetricName: 'ArticlesRetried',
        Dimensions: missingKey?.Properties.Dimensions,
      }),
    );
  });
});

/** A metric as `namespace/name{dim=value,…}`, dimensions sorted. */
function asEmitted(m: { Namespace: string; MetricName: string; Dimensions: unknown }): string {
  const dims = (m.Dimensions as { Name: string; Value: string }[])
    .map((d) => `${d.Name}=${d.Value}`)
    .sort()
    .join(',');
  return `${m.Namespace}/${m.MetricName}{${dims}}`;
}

/**
 * Every metric the ingest function's real telemetry writes (EMF on stdout) for one done
 * article, one failed article and one llm_not_configured retry, with the handler's own Metrics
 * instance built from the environment the stack gives it.
 */
const emitted: string[] = (() => {
  const lines: string[] = [];
  // The test setup turns metrics off; the real telemetry must write them here.
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const { metrics } = defaultDeps(
      { logger: new Logger({ logLevel: 'SILENT' }) },
      loadIngestConfig(lambdaEnv),
    );
    recordOutcome(metrics, {
      status: 'done',
      id: 'a',
      reusedFrom: null,
      llmCalls: 1,
      inputTokens: 10,
      outputTokens: 5,
      flags: [],
    });
    recordOutcome(metrics, { status: 'failed', id: 'b', code: 'unsupported_type' });
    recordRetry(metrics, 'llm_not_configured');
    metrics.publishStoredMetrics();
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => {
      const emf = JSON.parse(line) as Record<string, unknown> & {
        _aws: {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        };
      };
      return emf._aws.CloudWatchMetrics.flatMap((d) =>
        d.Metrics.map((m) =>
          asEmitted({
            Namespace: d.Namespace,
            MetricName: m.Name,
            Dimensions: (d.Dimensions[0] ?? []).map((name) => ({ Name: name, Value: String(emf[name]) })),
          }),
        ),
      );
    });
})();

describe('tracing', () => {
  it('is active on both functions, with the X-Ray permissions in their roles', () => {
    for (const fn of [ingestFn, apiFn]) {
      expect(fn.properties.TracingConfig).toEqual({ Mode: 'Active' });
      const xray = statementsOf(template, fn).filter((s) => actionsOf(s).some((a) => a.startsWith('xray:')));
      expect(xray.flatMap(actionsOf).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });
});

describe('retention', () => {
  it('keeps the dead-letter queue when a prod stack is deleted, and drops it with a dev stack', () => {
    const dev = synthWithoutBundling({ context: { stage: 'dev' } }).template;
    const devDlq = onlyResource(dev, 'AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.absent() } });

    expect(dlq.resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(devDlq.resource).toMatchObject({ DeletionPolicy: 'Delete' });
  });

  it('expires every log group, the bucket-notification handler logs included', () => {
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    const notifications = onlyResource(template, 'AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('S3BucketNotifications') },
    });
    const logGroupId = (notifications.properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;

    for (const group of Object.values(logGroups)) {
      expect((group as { Properties: Props }).Properties.RetentionInDays).toBe(30);
    }
    expect(Object.keys(logGroups)).toContain(logGroupId);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect((fn as { Properties: Props }).Properties.LoggingConfig).toBeDefined();
    }
  });
});

describe('an existing OpenAI secret encrypted with a customer key', () => {
  const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const withKey = synthWithoutBundling({
    context: { openAiSecret: 'khulasa/openai', openAiSecretKmsKey: keyArn },
  }).template;

  it('lets the ingest function decrypt it with that key, only through Secrets Manager', () => {
    const decrypt = statementsOf(withKey, ingestFnOf(withKey)).filter((s) =>
      actionsOf(s).includes('kms:Decrypt'),
    );

    expect(decrypt).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Resource: keyArn,
        Condition: {
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
            },
          },
        },
      }),
    ]);
    expect(JSON.stringify(envOf(ingestFnOf(withKey)).OPENAI_API_KEY_SECRET_ARN)).toContain(
      ':secret:khulasa/openai',
    );
  });

  it('is not needed by the default stack, which grants no KMS action', () => {
    const kms = [ingestFn, apiFn].flatMap((fn) =>
      statementsOf(template, fn)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('kms:')),
    );
    expect(kms).toEqual([]);
  });
});

describe('index projections', () => {
  it('hold every attribute the list queries read or filter on', async () => {
    const queries: {
      IndexName?: string;
      ProjectionExpression?: string;
      FilterExpression?: string;
      ExpressionAttributeNames?: Record<string, string>;
    }[] = [];
    const client = {
      send: async (command: { input: (typeof queries)[number] }) => {
        queries.push(command.input);
        return { Items: [], ScannedCount: 0 };
      },
    } as unknown as DynamoDBDocumentClient;
    const store = new DynamoSummaryReader({ client, tableName: 'khulasa', cursorSecret: 'k'.repeat(32) });

    await store.list({ limit: 10, key: 'incoming/a.txt', status: 'done', language: 'ar' });
    await store.list({ limit: 10, language: 'ar' });

    const gsis = onlyResource(template, 'AWS::DynamoDB::Table').properties.GlobalSecondaryIndexes as {
      IndexName: string;
      Projection: { ProjectionType: string; NonKeyAttributes: string[] };
    }[];
    expect(new Set(queries.map((q) => q.IndexName))).toEqual(
      new Set([INDEXES.byKey.name, INDEXES.byCreated.name]),
    );
    for (const query of queries) {
      const gsi = gsis.find((g) => g.IndexName === query.IndexName);
      const index = Object.values(INDEXES).find((i) => i.name === query.IndexName);
      const projected = new Set([
        ...(gsi?.Projection.NonKeyAttributes ?? []),
        TABLE_KEYS.partitionKey,
        TABLE_KEYS.sortKey,
        index?.partitionKey,
        index?.sortKey,
      ]);
      // Top-level attributes only: `#article.#language` reads inside `article`.
      const names = (expression: string | undefined) =>
        [...(expression ?? '').matchAll(/(?<![.\w])#\w+/g)].map(
          ([placeholder]) => query.ExpressionAttributeNames?.[placeholder] ?? placeholder,
        );
      const read = [...names(query.ProjectionExpression), ...names(query.FilterExpression)];

      expect(gsi?.Projection.ProjectionType).toBe('INCLUDE');
      expect(read).toEqual(expect.arrayContaining(['id', 'summaries', 'status', 'article']));
      expect(read.filter((a) => !projected.has(a))).toEqual([]);
    }
    // Nothing big goes into the indexes: the compressed text stays on the table.
    expect(LIST_PROJECTED_ATTRIBUTES.filter((a) => /text/i.test(a))).toEqual([]);
  });
});
