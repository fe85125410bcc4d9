import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  readonly deadLetterQueue: sqs.IQueue;
  readonly ingestFunction: lambda.IFunction;
  readonly apiFunction: lambda.IFunction;
  /** Subscribed by email to an alarm topic. @default - no topic: alarms show in the console only */
  readonly alarmEmail?: string;
  /** Length of one evaluation period. @default Duration.minutes(5) */
  readonly period?: Duration;
  /** Namespace of the ingest function's Powertools Metrics. @default 'khulasa' */
  readonly metricsNamespace?: string;
  /** Powertools `serviceName` of the ingest function (a metric dimension). @default 'khulasa-ingest' */
  readonly serviceName?: string;
}

/** Alarms for what needs a human: dead letters, ingest crashes, throttling and a missing LLM key. */
export class Alarms extends Construct {
  readonly deadLetters: cloudwatch.Alarm;
  readonly ingestErrors: cloudwatch.Alarm;
  readonly ingestThrottles: cloudwatch.Alarm;
  readonly apiThrottles: cloudwatch.Alarm;
  readonly llmNotConfigured: cloudwatch.Alarm;
  readonly topic: sns.Topic | undefined;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const anyAbove0 = {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means nothing happened, which is healthy.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };

    this.deadLetters = new cloudwatch.Alarm(this, 'DeadLetters', {
      alarmDescription:
        'Articles failed after every retry and are in the dead-letter queue (their records say why).',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: 'Maximum',
      }),
      ...anyAbove0,
    });
    this.ingestErrors = new cloudwatch.Alarm(this, 'IngestErrors', {
      alarmDescription: 'The ingest function crashed (an invocation failed as a whole).',
      metric: props.ingestFunction.metricErrors({ period, statistic: 'Sum' }),
      ...anyAbove0,
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

    // The ingest function counts every retry by cause (Powertools Metrics, EMF).
    this.llmNotConfigured = new cloudwatch.Alarm(this, 'LlmNotConfigured', {
      alarmDescription:
        'The OpenAI API key is missing or empty (or refused): uploads are being retried with llm_not_configured. ' +
        'Put the key into the secret named by the OpenAiSecretArn output.',
      metric: new cloudwatch.Metric({
        namespace: props.metricsNamespace ?? 'khulasa',
        metricName: 'ArticlesRetried',
        dimensionsMap: { service: props.serviceName ?? 'khulasa-ingest', ErrorCode: 'llm_not_configured' },
        period,
        statistic: 'Sum',
      }),
      ...anyAbove0,
    });

    if (props.alarmEmail !== undefined) {
      this.topic = new sns.Topic(this, 'Topic', { displayName: 'khulasa alarms', enforceSSL: true });
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      const action = new SnsAction(this.topic);
      for (const alarm of [
        this.deadLetters,
        this.ingestErrors,
        this.ingestThrottles,
        this.apiThrottles,
        this.llmNotConfigured,
      ]) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }
}
