import { CfnResource, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * CDK's BucketNotificationsHandler (the singleton Lambda that sets the bucket's notification
 * configuration at deploy time) is a raw `AWS::Lambda::Function` without a log group: Lambda
 * would create `/aws/lambda/<name>` on first run, kept forever. Give it a log group of ours with
 * retention, through the function's `LoggingConfig` (its managed basic-execution policy already
 * lets it write to any log group). Call after the bucket notifications are added.
 */
export function logBucketNotificationsHandler(
  stack: Stack,
  options: { retention: logs.RetentionDays; removalPolicy: RemovalPolicy },
): logs.LogGroup {
  const handlers = stack.node.children.filter((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  const functions = handlers
    .flatMap((h) => h.node.children)
    .filter(
      (c): c is CfnResource => c instanceof CfnResource && c.cfnResourceType === 'AWS::Lambda::Function',
    );
  if (functions.length !== 1) {
    throw new Error(`expected one BucketNotificationsHandler function, found ${functions.length}`);
  }
  const logGroup = new logs.LogGroup(stack, 'BucketNotificationsHandlerLogs', {
    retention: options.retention,
    removalPolicy: options.removalPolicy,
  });
  const handler = functions[0] as CfnResource;
  handler.addPropertyOverride('LoggingConfig', { LogGroup: logGroup.logGroupName });
  return logGroup;
}
