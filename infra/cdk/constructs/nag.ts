import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag acknowledgements that need a synthesized name. cdk-nag 3 names each IAM5 finding
 * exactly (`AwsSolutions-IAM5[Resource::<LogicalId.Arn>/*]`, the v3 form of v2's `appliesTo`),
 * so the ids are built from the resources' logical ids instead of being copied from a report.
 */

const arnOf = (resource: IConstruct): string => {
  const cfn = resource.node.defaultChild as CfnElement;
  return `<${Stack.of(resource).getLogicalId(cfn)}.Arn>`;
};

/** Acknowledges the wildcards that `bucket.grantRead` and `table.grant*Data` put on `role`. */
export function acknowledgeGrantWildcards(
  role: iam.Role,
  grants: { readonly bucket?: s3.Bucket; readonly table?: dynamodb.Table },
): void {
  const v = Validations.of(role);
  if (grants.bucket !== undefined) {
    const reason =
      'bucket.grantRead(): read-only actions (GetObject*/GetBucket*/List*) on this one bucket and its ' +
      'objects; the handler reads any uploaded key and HeadObject needs ListBucket to tell 404 from 403.';
    v.acknowledge(
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason },
      { id: `AwsSolutions-IAM5[Resource::${arnOf(grants.bucket)}/*]`, reason },
    );
  }
  if (grants.table !== undefined) {
    v.acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnOf(grants.table)}/index/*]`,
      reason:
        "table.grant*Data(): the wildcard covers only this table's own GSIs (byCreated, byKey), " +
        'which list and key-lookup queries use.',
    });
  }
}

/**
 * The singleton Lambda that CDK adds to configure S3 → SQS notifications uses the AWS managed
 * basic-execution policy; CDK offers no way to replace its role.
 */
export function acknowledgeBucketNotificationsHandler(stack: Stack): void {
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
    Validations.of(child).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's built-in BucketNotificationsHandler (runs only at deploy time to set the bucket's " +
        'notification configuration) is created with this managed policy and its role cannot be replaced.',
    });
  }
}
