import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DashboardProps {
  readonly ingestFunction: lambda.IFunction;
  readonly apiFunction: lambda.IFunction;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** Namespace the ingest function's Powertools Metrics publish into. @default 'khulasa' */
  readonly metricsNamespace?: string;
  /** Powertools `serviceName` of the ingest function (a metric dimension). @default 'khulasa-ingest' */
  readonly serviceName?: string;
}

/**
 * One CloudWatch dashboard for the operator: what was summarised and what failed, what it cost
 * in LLM calls and tokens, where the time goes, and what waits in the queues.
 */
export class Dashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const namespace = props.metricsNamespace ?? 'khulasa';
    const service = props.serviceName ?? 'khulasa-ingest';
    const metric = (metricName: string, statistic = 'Sum', label?: string) =>
      new cloudwatch.Metric({
        namespace,
        metricName,
        dimensionsMap: { service },
        statistic,
        period: Duration.minutes(5),
        ...(label ? { label } : {}),
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Articles',
            left: [
              metric('ArticlesDone', 'Sum', 'done'),
              metric('ArticlesFailed', 'Sum', 'failed'),
              metric('ArticlesRetried', 'Sum', 'retried'),
              metric('DuplicatesSkipped', 'Sum', 'duplicates skipped'),
              metric('SummariesReused', 'Sum', 'summaries reused'),
            ],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'LLM cost',
            left: [metric('LlmCalls', 'Sum', 'LLM calls')],
            right: [
              metric('InputTokens', 'Sum', 'input tokens'),
              metric('OutputTokens', 'Sum', 'output tokens'),
            ],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Stage durations (p90, ms)',
            left: ['ReadDuration', 'PrepareDuration', 'SummariseDuration', 'StoreDuration'].map((name) =>
              metric(name, 'p90', name.replace('Duration', '').toLowerCase()),
            ),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Queues',
            left: [
              props.queue.metricApproximateNumberOfMessagesVisible({ label: 'waiting' }),
              props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'dead letters' }),
            ],
            right: [props.queue.metricApproximateAgeOfOldestMessage({ label: 'oldest message (s)' })],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Functions',
            left: [
              props.ingestFunction.metricErrors({ label: 'ingest errors' }),
              props.ingestFunction.metricThrottles({ label: 'ingest throttles' }),
              props.apiFunction.metricErrors({ label: 'api errors' }),
              props.apiFunction.metricThrottles({ label: 'api throttles' }),
            ],
            right: [
              props.ingestFunction.metricDuration({ statistic: 'p90', label: 'ingest p90 (ms)' }),
              props.apiFunction.metricDuration({ statistic: 'p90', label: 'api p90 (ms)' }),
            ],
            width: 24,
          }),
        ],
      ],
    });
  }
}
