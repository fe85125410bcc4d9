import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ContextError } from '../../infra/cdk/context.ts';
import { onlyResource, synthWithoutBundling } from './support.ts';

type Props = Record<string, unknown>;

const routesOf = (template: ReturnType<typeof synthWithoutBundling>['template']) =>
  Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
    (r) => (r as { Properties: Props }).Properties,
  );
const ingestEnv = (template: ReturnType<typeof synthWithoutBundling>['template']) =>
  (
    onlyResource(template, 'AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { QUEUE_URL: Match.anyValue() } } },
    }).properties.Environment as { Variables: Record<string, unknown> }
  ).Variables;

describe('with -c jwtIssuer and -c jwtAudience', () => {
  const { template } = synthWithoutBundling({
    context: { jwtIssuer: 'https://auth.example.com/', jwtAudience: 'khulasa-web,khulasa-cli' },
  });

  it('creates a JWT authoriser for that issuer and audience', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['khulasa-web', 'khulasa-cli'] },
    });
  });

  it('protects every data route with it', () => {
    const authorizerId = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0] ?? '';
    const routes = routesOf(template).filter((r) =>
      /^(GET|HEAD) \/(summaries|health|facets)/.test(String(r.RouteKey)),
    );

    expect(routes).toHaveLength(10);
    for (const route of routes) {
      expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    }
  });
});

describe('with -c publicApi=true and the other options', () => {
  const { template, stack } = synthWithoutBundling({
    context: {
      stage: 'dev',
      publicApi: 'true',
      prefix: 'incoming/',
      suffix: '.txt',
      maxReceiveCount: '12',
      llmConcurrency: '60',
      openAiSecret: 'khulasa/openai',
      openAiModel: 'gpt-4.1-mini',
      openAiBaseUrl: 'https://llm.example.com/v1',
      summaryLanguages: 'ar,en,fr',
      alarmEmail: 'ops@example.com',
    },
  });

  it('leaves routes without an authoriser only because publicApi was asked for', () => {
    const routes = routesOf(template);

    // Ten paths, each with GET and HEAD.
    expect(routes).toHaveLength(20);
    for (const route of routes) expect(route.AuthorizationType).toBe('NONE');
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });

  it('filters both notification types by the prefix and suffix', () => {
    const notifications = onlyResource(template, 'Custom::S3BucketNotifications');
    const filter = {
      Key: {
        FilterRules: [
          { Name: 'suffix', Value: '.txt' },
          { Name: 'prefix', Value: 'incoming/' },
        ],
      },
    };
    const configurations = (
      notifications.properties.NotificationConfiguration as { QueueConfigurations: Props[] }
    ).QueueConfigurations;

    expect(configurations.map((c) => c.Events)).toEqual([['s3:ObjectCreated:*'], ['s3:ObjectRemoved:*']]);
    for (const c of configurations) {
      expect((c.Filter as typeof filter).Key.FilterRules).toEqual(
        expect.arrayContaining(filter.Key.FilterRules),
      );
    }
  });

  it('uses maxReceiveCount for the redrive policy and tells the handler the same number', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 12 }),
    });
    expect(ingestEnv(template).MAX_RECEIVE_COUNT).toBe('12');
  });

  it('splits llmConcurrency=60 into 3 invocations × 5 records × 4 requests per article', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 3 },
    });
    expect(ingestEnv(template).LLM_MAP_CONCURRENCY).toBe('4');
  });

  it('passes the model, endpoint and languages to the ingest function', () => {
    expect(ingestEnv(template)).toMatchObject({
      OPENAI_MODEL: 'gpt-4.1-mini',
      OPENAI_BASE_URL: 'https://llm.example.com/v1',
      SUMMARY_LANGUAGES: 'ar,en,fr',
      LLM_PROVIDER: 'openai',
    });
  });

  it('uses the existing OpenAI secret by name instead of creating one', () => {
    const secretArn = JSON.stringify(ingestEnv(template).OPENAI_API_KEY_SECRET_ARN);

    expect(secretArn).toContain(':secret:khulasa/openai');
    // Only the generated cursor secret is created.
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: Match.objectLike({
              'Fn::Join': ['', Match.arrayWith([':secret:khulasa/openai-??????'])],
            }),
          }),
        ]),
      },
    });
  });

  it('makes the dev stage disposable: no deletion protection, resources destroyed with the stack', () => {
    const table = onlyResource(template, 'AWS::DynamoDB::Table');

    expect(stack.stackName).toBe('Khulasa-dev');
    expect(table.properties.DeletionProtectionEnabled).toBe(false);
    expect(table.properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.resource).toMatchObject({ DeletionPolicy: 'Delete' });
    template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    expect(Object.keys(template.findResources('Custom::S3AutoDeleteObjects'))).toHaveLength(2);
  });

  it('sends every alarm, and its recovery, to an SNS topic with the email subscribed', () => {
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topic.logicalId },
    });
    template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: topic.logicalId }],
      OKActions: [{ Ref: topic.logicalId }],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('with -c openAiSecret=<complete ARN>', () => {
  const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:khulasa/openai-AbCdEf';
  const { template } = synthWithoutBundling({ context: { openAiSecret: arn } });

  it('points the ingest function at exactly that secret and grants read on it', () => {
    expect(ingestEnv(template).OPENAI_API_KEY_SECRET_ARN).toBe(arn);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['secretsmanager:GetSecretValue']), Resource: arn }),
        ]),
      },
    });
  });
});

describe('with invalid context', () => {
  it('fails synth with an error naming the option', () => {
    expect(() => synthWithoutBundling({ context: { maxReceiveCount: '0' } })).toThrow(ContextError);
    expect(() => synthWithoutBundling({ context: { jwtIssuer: 'https://auth.example.com/' } })).toThrow(
      /-c jwtAudience: jwtIssuer and jwtAudience must be given together/,
    );
  });
});
