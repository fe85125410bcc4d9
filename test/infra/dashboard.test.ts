import { describe, expect, it } from 'vitest';
import { onlyResource, synthWithoutBundling } from './support.ts';

const { template } = synthWithoutBundling();

/**
 * The dashboard body is a CloudFormation Fn::Join of strings and references; flatten it to the
 * JSON CloudWatch receives, with each reference written as `<logicalId>`.
 */
function bodyText(): string {
  const { properties } = onlyResource(template, 'AWS::CloudWatch::Dashboard');
  const join = (properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return join
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return `<${ref.Ref ?? ref['Fn::GetAtt']?.[0]}>`;
    })
    .join('');
}

describe('the operator dashboard', () => {
  it('charts the ingest metrics the function publishes, in its namespace and service dimension', () => {
    const body = bodyText();
    for (const metric of [
      'ArticlesDone',
      'ArticlesFailed',
      'DuplicatesSkipped',
      'LlmCalls',
      'InputTokens',
      'OutputTokens',
      'SummariseDuration',
    ]) {
      expect(body).toContain(`["khulasa","${metric}","service","khulasa-ingest"`);
    }
  });

  it('charts the dead-letter queue depth and both functions', () => {
    const body = bodyText();
    const dlq = template.findResources('AWS::SQS::Queue', {
      Properties: { MessageRetentionPeriod: 1_209_600 },
    });
    const [dlqId] = Object.keys(dlq);
    expect(dlqId).toBeDefined();
    expect(body).toContain(`["AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","<${dlqId}>"`);
    const ingest = onlyResource(template, 'AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'khulasa-ingest' } } },
    });
    expect(body).toContain(`["AWS/Lambda","Errors","FunctionName","<${ingest.logicalId}>"`);
  });
});

describe('the missing-key alarm', () => {
  it('fires on the first retry caused by llm_not_configured, long before the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'khulasa',
      MetricName: 'ArticlesRetried',
      Dimensions: [
        { Name: 'ErrorCode', Value: 'llm_not_configured' },
        { Name: 'service', Value: 'khulasa-ingest' },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});
