import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LIST_PROJECTED_ATTRIBUTES } from '../../infra/cdk/constructs/storage.ts';
import { INDEXES, TABLE_KEYS } from '../../lib/store/table-schema.ts';
import { onlyResource, synthWithoutBundling } from './support.ts';

// One synthesis of the default (prod) stack, shared by every assertion in this file.
const { template, stack } = synthWithoutBundling();

type Props = Record<string, unknown>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const articlesBucket = onlyResource(template, 'AWS::S3::Bucket', {
  Properties: { VersioningConfiguration: Match.anyValue() },
});
const logBucket = onlyResource(template, 'AWS::S3::Bucket', {
  Properties: { VersioningConfiguration: Match.absent() },
});
const queue = onlyResource(template, 'AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } });
const dlq = onlyResource(template, 'AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.absent() } });
const ingestFn = onlyResource(template, 'AWS::Lambda::Function', {
  Properties: { Environment: { Variables: { QUEUE_URL: Match.anyValue() } } },
});
const apiFn = onlyResource(template, 'AWS::Lambda::Function', {
  Properties: { Environment: { Variables: { CURSOR_SECRET_ARN: Match.anyValue() } } },
});
const table = onlyResource(template, 'AWS::DynamoDB::Table');
const openAiSecret = onlyResource(template, 'AWS::SecretsManager::Secret', {
  Properties: { GenerateSecretString: Match.absent() },
});
const cursorSecret = onlyResource(template, 'AWS::SecretsManager::Secret', {
  Properties: { GenerateSecretString: Match.anyValue() },
});

const envOf = (fn: { properties: Props }) =>
  (fn.properties.Environment as { Variables: Record<string, unknown> }).Variables;
const ref = (logicalId: string) => ({ Ref: logicalId });
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Every statement of the inline policy attached to a function's role. */
function statementsOf(fn: { properties: Props }): Statement[] {
  const roleId = (fn.properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [ref(roleId)] } });
  return Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
}
const actionsOn = (statements: Statement[], resource: unknown) =>
  statements
    .filter((s) => JSON.stringify(s.Resource).includes(JSON.stringify(resource)))
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
const allActions = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

/** The bucket policy statement that denies plain-HTTP requests. */
const denyInsecureTransport = Match.arrayWith([
  Match.objectLike({
    Effect: 'Deny',
    Action: Match.anyValue(),
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }),
]);

describe('articles bucket', () => {
  it('blocks all public access, encrypts with S3-managed keys and keeps versions', () => {
    expect(articlesBucket.properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  it('writes server access logs to the separate log bucket', () => {
    expect(articlesBucket.properties.LoggingConfiguration).toMatchObject({
      DestinationBucketName: ref(logBucket.logicalId),
    });
    expect(logBucket.properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
  });

  it('expires noncurrent versions', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
        ]),
      },
    });
  });

  it('denies requests without TLS on both buckets', () => {
    for (const bucket of [articlesBucket, logBucket]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: ref(bucket.logicalId),
        PolicyDocument: { Statement: denyInsecureTransport },
      });
    }
  });

  it('is retained when the stack is deleted', () => {
    expect(articlesBucket.resource).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('sends ObjectCreated and ObjectRemoved notifications, unfiltered, to the queue', () => {
    const notifications = onlyResource(template, 'Custom::S3BucketNotifications');

    expect(notifications.properties.BucketName).toEqual(ref(articlesBucket.logicalId));
    expect(notifications.properties.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        { Events: ['s3:ObjectCreated:*'], QueueArn: arnOf(queue.logicalId) },
        { Events: ['s3:ObjectRemoved:*'], QueueArn: arnOf(queue.logicalId) },
      ],
    });
  });
});

describe('queue', () => {
  it('moves a message to the dead-letter queue after 8 receives', () => {
    expect(queue.properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: arnOf(dlq.logicalId),
      maxReceiveCount: 8,
    });
  });

  it('keeps dead letters 14 days, longer than the source queue keeps messages', () => {
    expect(dlq.properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.properties.MessageRetentionPeriod).toBeLessThan(
      dlq.properties.MessageRetentionPeriod as number,
    );
  });

  it('hides a received message for at least 6 times the ingest timeout', () => {
    const timeout = ingestFn.properties.Timeout as number;

    expect(queue.properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('encrypts both queues with SQS-managed keys and denies requests without TLS', () => {
    for (const q of [queue, dlq]) {
      expect(q.properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(q.logicalId)],
        PolicyDocument: { Statement: denyInsecureTransport },
      });
    }
  });

  it('lets only this bucket send S3 events to the queue', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(queue.logicalId)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: { ArnLike: { 'aws:SourceArn': arnOf(articlesBucket.logicalId) } },
          }),
        ]),
      },
    });
  });
});

describe('ingest function', () => {
  it('runs Node.js 24 on arm64 with a timeout sized for map-reduce LLM calls', () => {
    expect(ingestFn.properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 300,
    });
  });

  it('is told the provider, the queue, the table, the redrive limit and the lease', () => {
    const env = envOf(ingestFn);

    expect(env).toMatchObject({
      LLM_PROVIDER: 'openai',
      TABLE_NAME: ref(table.logicalId),
      QUEUE_URL: ref(queue.logicalId),
      OPENAI_API_KEY_SECRET_ARN: ref(openAiSecret.logicalId),
      OPENAI_MODEL: 'gpt-4o-mini',
      SUMMARY_LANGUAGES: 'ar,en',
      MAX_ARTICLE_BYTES: String(10 * 1024 * 1024),
      MAX_TEXT_CHARS: '2000000',
      MAX_LLM_CALLS_PER_ARTICLE: '40',
      POWERTOOLS_SERVICE_NAME: 'khulasa-ingest',
      LOG_LEVEL: 'INFO',
    });
    const redrive = queue.properties.RedrivePolicy as { maxReceiveCount: number };
    expect(env.MAX_RECEIVE_COUNT).toBe(String(redrive.maxReceiveCount));
    expect(env.LEASE_SECONDS).toBe(String(ingestFn.properties.Timeout));
    expect(env).not.toHaveProperty('OPENAI_BASE_URL');
  });

  it('consumes the queue in small batches with partial batch failures and capped concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(queue.logicalId),
      FunctionName: ref(ingestFn.logicalId),
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('may read the bucket but not write or delete objects', () => {
    const statements = statementsOf(ingestFn);
    const onBucket = actionsOn(statements, arnOf(articlesBucket.logicalId));

    expect(onBucket).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:List*']));
    expect(onBucket.filter((a) => /Put|Delete|Abort|Replicate|Restore/.test(a))).toEqual([]);
  });

  it('may read and write table items but not manage the table', () => {
    const onTable = actionsOn(statementsOf(ingestFn), arnOf(table.logicalId));

    expect(onTable).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
      ]),
    );
    expect(
      onTable.filter((a) =>
        /^dynamodb:(\*|CreateTable|DeleteTable|UpdateTable|.*Backup.*|UpdateTimeToLive)$/.test(a),
      ),
    ).toEqual([]);
  });

  it('may change message visibility on its queue and read the OpenAI secret', () => {
    const statements = statementsOf(ingestFn);

    expect(actionsOn(statements, arnOf(queue.logicalId))).toContain('sqs:ChangeMessageVisibility');
    expect(actionsOn(statements, ref(openAiSecret.logicalId))).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue']),
    );
  });
});

describe('house Lambda defaults', () => {
  it.each([
    ['ingest', () => ingestFn],
    ['api', () => apiFn],
  ])(
    'the %s function logs to its own log group with retention, via a role without managed policies',
    (_, fn) => {
      const { properties } = fn();
      const logGroupId = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const roleId = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

      expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(30);
      expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
      expect(actionsOn(statementsOf(fn()), arnOf(logGroupId))).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]);
    },
  );

  it('does not turn on runtime source maps (they cost cold-start time)', () => {
    for (const fn of [ingestFn, apiFn]) {
      expect(envOf(fn)).not.toHaveProperty('NODE_OPTIONS');
      expect(fn.properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
  });
});

describe('secrets', () => {
  it('never puts a secret value in a function environment', () => {
    for (const fn of [ingestFn, apiFn]) {
      const env = envOf(fn);
      expect(Object.keys(env)).not.toEqual(expect.arrayContaining(['OPENAI_API_KEY']));
      expect(Object.keys(env).filter((k) => /SECRET(?!_ARN)|KEY$/.test(k))).toEqual([]);
      expect(JSON.stringify(env)).not.toContain('resolve:secretsmanager');
    }
  });

  it('creates the OpenAI secret without any value until an operator puts the key', () => {
    expect(openAiSecret.properties.SecretString).toBeUndefined();
    expect(openAiSecret.properties.GenerateSecretString).toBeUndefined();
    expect(openAiSecret.resource).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('generates the cursor secret: long, without punctuation, readable only by the api function', () => {
    const generated = cursorSecret.properties.GenerateSecretString as {
      ExcludePunctuation: boolean;
      PasswordLength: number;
    };

    expect(generated.ExcludePunctuation).toBe(true);
    expect(generated.PasswordLength).toBeGreaterThanOrEqual(32);
    expect(envOf(apiFn).CURSOR_SECRET_ARN).toEqual(ref(cursorSecret.logicalId));
    expect(actionsOn(statementsOf(apiFn), ref(cursorSecret.logicalId))).toContain(
      'secretsmanager:GetSecretValue',
    );
    expect(actionsOn(statementsOf(ingestFn), ref(cursorSecret.logicalId))).toEqual([]);
    expect(actionsOn(statementsOf(apiFn), ref(openAiSecret.logicalId))).toEqual([]);
  });
});

const DATA_ROUTES = [
  'GET /health',
  'GET /summaries',
  'GET /summaries/{id}',
  'GET /summaries/{id}/text',
  'GET /facets',
].flatMap((route) => [route, route.replace('GET ', 'HEAD ')]);

describe('HTTP API', () => {
  const routes = template.findResources('AWS::ApiGatewayV2::Route');
  const routeProps = Object.values(routes).map((r) => (r as { Properties: Props }).Properties);

  it('serves every route the api function routes, GET and HEAD, no more and no fewer', async () => {
    const { ROUTES } = await import('../../functions/api/registry.ts');

    expect(routeProps.map((r) => r.RouteKey).sort()).toEqual(
      ROUTES.flatMap((r) => [`${r.method} ${r.path}`, `HEAD ${r.path}`]).sort(),
    );
  });

  it('requires IAM (SigV4) authorisation on every data route by default', () => {
    const data = routeProps.filter((r) => DATA_ROUTES.includes(String(r.RouteKey)));
    expect(data).toHaveLength(DATA_ROUTES.length);
    for (const route of data) expect(route.AuthorizationType).toBe('AWS_IAM');
  });

  it('leaves only the data-free reader page, its assets and the OpenAPI document open', () => {
    const open = routeProps.filter((r) => r.AuthorizationType === 'NONE').map((r) => r.RouteKey);
    expect(open.sort()).toEqual(
      ['GET /', 'GET /app-config.json', 'GET /app.css', 'GET /app.js', 'GET /openapi.json']
        .flatMap((route) => [route, route.replace('GET ', 'HEAD ')])
        .sort(),
    );
  });

  it('tells the api function how routes are authorised, for the reader page', () => {
    const api = onlyResource(template, 'AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { CURSOR_SECRET_ARN: Match.anyValue() } } },
    });
    expect((api.properties.Environment as { Variables: Props }).Variables.API_AUTH_MODE).toBe('iam');
  });

  it('throttles the stage and writes access logs to a log group', () => {
    const stage = onlyResource(template, 'AWS::ApiGatewayV2::Stage');
    const destination = (stage.properties.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string] } })
      .DestinationArn;
    const logGroupId = destination['Fn::GetAtt'][0];

    expect(stage.properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const format = (stage.properties.AccessLogSettings as { Format: string }).Format;
    expect(JSON.parse(format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
    expect(template.toJSON().Resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
  });

  it('gives the api function read-only table access and its env contract', () => {
    const onTable = actionsOn(statementsOf(apiFn), arnOf(table.logicalId));

    expect(onTable).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(onTable.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    expect(envOf(apiFn)).toMatchObject({
      TABLE_NAME: ref(table.logicalId),
      CORS_ALLOWED_ORIGINS: '',
      POWERTOOLS_SERVICE_NAME: 'khulasa-api',
    });
    expect(allActions(statementsOf(apiFn)).filter((a) => a.startsWith('s3:'))).toEqual([]);
  });
});

describe('table', () => {
  it('uses the shared key design: string keys and both GSIs, projecting only what lists read', () => {
    expect(table.properties).toMatchObject({
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const attributes = table.properties.AttributeDefinitions as {
      AttributeName: string;
      AttributeType: string;
    }[];
    expect(new Set(attributes.map((a) => a.AttributeType))).toEqual(new Set(['S']));
    const gsis = table.properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[];
    expect(gsis).toEqual(
      expect.arrayContaining(
        Object.values(INDEXES).map((index) =>
          expect.objectContaining({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: {
              ProjectionType: 'INCLUDE',
              NonKeyAttributes: LIST_PROJECTED_ATTRIBUTES.filter(
                (a) => a !== index.partitionKey && a !== index.sortKey,
              ),
            },
          }),
        ),
      ),
    );
    expect(gsis).toHaveLength(Object.keys(INDEXES).length);
  });

  it('has point-in-time recovery and deletion protection and is retained', () => {
    expect(table.properties).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(table.resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

// Alarms, tracing, retries and retention: operations.test.ts.

describe('outputs', () => {
  it('exports the names and URLs an operator needs', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    expect(outputs.BucketName?.Value).toEqual(ref(articlesBucket.logicalId));
    expect(outputs.TableName?.Value).toEqual(ref(table.logicalId));
    expect(outputs.QueueUrl?.Value).toEqual(ref(queue.logicalId));
    expect(outputs.DeadLetterQueueUrl?.Value).toEqual(ref(dlq.logicalId));
    expect(outputs.OpenAiSecretArn?.Value).toEqual(ref(openAiSecret.logicalId));
    expect(JSON.stringify(outputs.ApiUrl?.Value)).toContain('execute-api');
  });

  it('names the stack after the stage', () => {
    expect(stack.stackName).toBe('Khulasa-prod');
  });
});
