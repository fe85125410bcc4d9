import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** Prefixes of Bedrock's cross-region inference profile ids (`us.openai.gpt-oss-120b-1:0`). */
const PROFILE_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;

/**
 * Lets `role` invoke exactly one Bedrock model: `bedrock:InvokeModel` (the action the OpenAI-
 * compatible chat completions endpoint is authorised with; khulasa never streams) on that
 * foundation model, or on that inference profile and the foundation model it routes to in the
 * regions it may choose (which is why the model's region is a wildcard, and only then).
 */
export function grantBedrockInvoke(role: iam.IRole & iam.Role, model: string): void {
  const stack = Stack.of(role);
  const profile = PROFILE_PREFIX.exec(model);
  const foundation = profile ? model.slice(profile[0].length) : model;
  const resources = profile
    ? [
        stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: model }),
        `arn:${stack.partition}:bedrock:*::foundation-model/${foundation}`,
      ]
    : [`arn:${stack.partition}:bedrock:${stack.region}::foundation-model/${foundation}`];
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources }));
  if (profile)
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${foundation}]`,
      reason:
        'A cross-region inference profile routes each request to one of its regions; invoking through it needs the one foundation model in every region it may choose.',
    });
}
