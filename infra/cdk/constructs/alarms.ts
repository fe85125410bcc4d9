import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly ingestFunction: lambda.IFunction;
  readonly apiFunction: lambda.IFunction;
  /** The HTTP API stage whose 5xx answers are watched. */
  readonly apiStage: HttpStage;
  /**
   * Age past which the oldest message of the main queue means ingestion is stuck: longer than
   * a message can legitimately stay there while it is retried.
   */
  readonly oldestMessageAge: Duration;
  /** Subscribed by email to the alarm topic. @default - no subscription (the topic exists either way) */
  readonly alarmEmail?: string;
  /** Length of one evaluation period. @default Duration.minutes(5) */
  readonly period?: Duration;
  /** Namespace of the ingest function's Powertools Metrics. @default 'khulasa' */
  readonly metricsNamespace?: string;
  /** Powertools `serviceName` of the ingest function (a metric dimension). @default 'khulasa-ingest' */
  readonly serviceName?: string;
  /** Share of finished articles ending `failed` that alarms, in percent. @default 10 */
  readonly failedArticlesPercent?: number;
  /** Finished articles (done + failed) a window needs before the failure rate counts. @default 5 */
  readonly failedArticlesMinimum?: number;
  /** API Gateway 5xx answers in one period that alarm. @default 5 */
  readonly api5xxThreshold?: number;
}

/**
 * Alarms for what needs a human, every one sent (and its recovery) to one SNS topic: dead
 * letters, a stuck queue, articles failing, function crashes and throttles, API 5xx answers and
 * a missing LLM key.
 */
export class Alarms extends Construct {
  /** Always created, so alarms reach someone once anything subscribes (`-c alarmEmail`, chat, paging). */
  readonly topic: sns.Topic;
  readonly deadLetters: cloudwatch.Alarm;
  readonly oldestMessage: cloudwatch.Alarm;
  readonly articlesFailing: cloudwatch.Alarm;
  readonly ingestErrors: cloudwatch.Alarm;
  readonly apiErrors: cloudwatch.Alarm;
  readonly api5xx: cloudwatch.Alarm;
  readonly ingestThrottles: cloudwatch.Alarm;
  readonly apiThrottles: cloudwatch.Alarm;
  readonly llmNotConfigured: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const namespace = props.metricsNamespace ?? 'khulasa';
    const service = props.serviceName ?? 'khulasa-ingest';
    const above = (threshold: number) => ({
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means nothing happened, which is healthy.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const anyAbove0 = above(0);

    this.deadLetters = new cloudwatch.Alarm(this, 'DeadLetters', {
      alarmDescription:
        'Articles failed after every retry and are in the dead-letter queue (their records say why).',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: 'Maximum',
      }),
      ...anyAbove0,
    });
    this.oldestMessage = new cloudwatch.Alarm(this, 'OldestMessage', {
      alarmDescription:
        `A message has waited in the ingest queue for more than ${props.oldestMessageAge.toHumanString()}, ` +
        'longer than its retries can take: ingestion is stuck or far behind.',
      metric: props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      ...above(props.oldestMessageAge.toSeconds()),
    });

    // Powertools Metrics (EMF) of the ingest function, one per finished article (telemetry.ts).
    const articles = (metricName: string) =>
      new cloudwatch.Metric({
        namespace,
        metricName,
        dimensionsMap: { service },
        period: Duration.minutes(15),
        statistic: 'Sum',
      });
    const percent = props.failedArticlesPercent ?? 10;
    const minimum = props.failedArticlesMinimum ?? 5;
    this.articlesFailing = new cloudwatch.Alarm(this, 'ArticlesFailing', {
      alarmDescription:
        `More than ${percent}% of the articles finished in 15 minutes ended failed (at least ${minimum} finished). ` +
        'The ArticlesFailed metric by ErrorCode says which failure.',
      metric: new cloudwatch.MathExpression({
        label: 'failed articles (%)',
        expression: `IF(FILL(done, 0) + FILL(failed, 0) >= ${minimum}, 100 * FILL(failed, 0) / (FILL(done, 0) + FILL(failed, 0)), 0)`,
        usingMetrics: { done: articles('ArticlesDone'), failed: articles('ArticlesFailed') },
        period: Duration.minutes(15),
      }),
      ...above(percent),
    });

    this.ingestErrors = new cloudwatch.Alarm(this, 'IngestErrors', {
      alarmDescription: 'The ingest function crashed (an invocation failed as a whole).',
      metric: props.ingestFunction.metricErrors({ period, statistic: 'Sum' }),
      ...anyAbove0,
    });
    this.apiErrors = new cloudwatch.Alarm(this, 'ApiErrors', {
      alarmDescription: 'The api function crashed (an invocation failed instead of answering).',
      metric: props.apiFunction.metricErrors({ period, statistic: 'Sum' }),
      ...anyAbove0,
    });
    const api5xx = props.api5xxThreshold ?? 5;
    this.api5xx = new cloudwatch.Alarm(this, 'Api5xx', {
      alarmDescription: `The HTTP API answered 5xx at least ${api5xx} times in ${period.toHumanString()}.`,
      metric: props.apiStage.metricServerError({ period, statistic: 'Sum' }),
      ...above(api5xx - 1),
    });
    this.ingestThrottles = new cloudwatch.Alarm(this, 'IngestThrottles', {
      alarmDescription: 'The ingest function was throttled (account concurrency exhausted).',
      metric: props.ingestFunction.metricThrottles({ period, statistic: 'Sum' }),
      ...anyAbove0,
    });
    this.apiThrottles = new cloudwatch.Alarm(this, 'ApiThrottles', {
      alarmDescription: 'The api function was throttled: API requests are failing.',
      metric: props.apiFunction.metricThrottles({ period, statistic: 'Sum' }),
      ...anyAbove0,
    });

    // The ingest function counts every retry by cause (telemetry.ts, `recordRetry`).
    this.llmNotConfigured = new cloudwatch.Alarm(this, 'LlmNotConfigured', {
      alarmDescription:
        'The OpenAI API key is missing or empty (or refused): uploads are being retried with llm_not_configured. ' +
        'Put the key into the secret named by the OpenAiSecretArn output.',
      metric: new cloudwatch.Metric({
        namespace,
        metricName: 'ArticlesRetried',
        dimensionsMap: { service, ErrorCode: 'llm_not_configured' },
        period,
        statistic: 'Sum',
      }),
      ...anyAbove0,
    });

    this.topic = new sns.Topic(this, 'Topic', { displayName: 'khulasa alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key, and alarm ' +
        'notifications carry only alarm names and metric values, no article data; TLS is enforced.',
    });
    // `enforceSSL` gives the topic a policy of its own, which replaces SNS's default one; without
    // an explicit allow, CloudWatch is "not authorized to perform SNS:Publish" and every alarm
    // would fire into nothing. Only this account's alarms may publish.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    for (const alarm of this.all) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  /** Every alarm of the stack. */
  get all(): cloudwatch.Alarm[] {
    return [
      this.deadLetters,
      this.oldestMessage,
      this.articlesFailing,
      this.ingestErrors,
      this.apiErrors,
      this.api5xx,
      this.ingestThrottles,
      this.apiThrottles,
      this.llmNotConfigured,
    ];
  }
}
