import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ApiAuth } from '../context.ts';
import { HouseFunction, repoPath } from '../lambda-defaults.ts';
import { TRACER_MODULES } from '../tracer-modules.ts';
import { acknowledgeGrantWildcards } from './nag.ts';

/**
 * Every route the api function serves (`ROUTES` in functions/api/registry.ts,
 * which a test keeps equal — the CDK app does not import handler code). `public` routes are the
 * reader page, its assets and the OpenAPI document: they hold no data, and a browser must be able
 * to load them before it has a token to send.
 */
const API_ROUTES: readonly { readonly path: string; readonly public: boolean }[] = [
  { path: '/', public: true },
  { path: '/app.js', public: true },
  { path: '/app.css', public: true },
  { path: '/app-config.json', public: true },
  { path: '/openapi.json', public: true },
  { path: '/health', public: false },
  { path: '/summaries', public: false },
  { path: '/summaries/{id}', public: false },
  { path: '/summaries/{id}/text', public: false },
  { path: '/facets', public: false },
];

export interface ApiProps {
  readonly table: dynamodb.Table;
  /** How routes are authorised. @default { kind: 'iam' } (SigV4-signed requests only) */
  readonly auth?: ApiAuth;
  /** Browser origins allowed by CORS. @default [] (no CORS) */
  readonly corsAllowedOrigins?: readonly string[];
  /** Stage-wide steady request rate (per second). @default 50 */
  readonly throttleRateLimit?: number;
  /** Stage-wide burst. @default 100 */
  readonly throttleBurstLimit?: number;
  /** Handler module. @default functions/api/handler.ts */
  readonly entry?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Applied to the log groups. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The read-only HTTP API: API Gateway (HTTP API, payload v2) → the api function → DynamoDB. */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly function: NodejsFunction;
  /** Signs pagination cursors; generated, never leaves Secrets Manager and the function. */
  readonly cursorSecret: secretsmanager.Secret;
  readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const auth = props.auth ?? { kind: 'iam' };
    const corsAllowedOrigins = props.corsAllowedOrigins ?? [];

    this.cursorSecret = new secretsmanager.Secret(this, 'CursorSecret', {
      description: 'khulasa: HMAC key that signs API pagination cursors',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
    });
    Validations.of(this.cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The cursor key only signs short-lived pagination cursors; rotating it would just invalidate ' +
        'cursors in flight. Replace it with `aws secretsmanager rotate-secret` if it ever leaks.',
    });

    const house = new HouseFunction(this, 'Handler', {
      entry: props.entry ?? repoPath('functions/api/handler.ts'),
      description: 'Serves summaries over the HTTP API (read-only)',
      serviceName: 'khulasa-api',
      timeout: Duration.seconds(10),
      memorySize: 512,
      nodeModules: TRACER_MODULES,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment: {
        TABLE_NAME: props.table.tableName,
        CURSOR_SECRET_ARN: this.cursorSecret.secretArn,
        CORS_ALLOWED_ORIGINS: corsAllowedOrigins.join(','),
        // Tells the reader page whether to ask for a token, explain IAM, or just load.
        API_AUTH_MODE: auth.kind,
      },
    });
    this.function = house.function;
    props.table.grantReadData(this.function);
    this.cursorSecret.grantRead(this.function);
    acknowledgeGrantWildcards(house.role, { table: props.table });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'khulasa summaries API',
      defaultAuthorizer: authorizerFor(auth),
      // The stage is declared below with throttling and access logs.
      createDefaultStage: false,
      ...(corsAllowedOrigins.length === 0
        ? {}
        : {
            // Answered by API Gateway itself: browsers send preflights unsigned and without tokens.
            corsPreflight: {
              allowOrigins: [...corsAllowedOrigins],
              allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.HEAD, CorsHttpMethod.OPTIONS],
              allowHeaders: [
                'authorization',
                'content-type',
                'if-none-match',
                'x-amz-date',
                'x-amz-security-token',
              ],
              exposeHeaders: ['etag'],
              maxAge: Duration.hours(1),
            },
          }),
    });

    const integration = new HttpLambdaIntegration('ApiIntegration', this.function);
    const open = new HttpNoneAuthorizer();
    for (const route of API_ROUTES) {
      const added = this.httpApi.addRoutes({
        path: route.path,
        // HEAD is answered by the function like GET without a body; API Gateway routes it only if asked.
        methods: [HttpMethod.GET, HttpMethod.HEAD],
        integration,
        ...(route.public ? { authorizer: open } : {}),
      });
      if (route.public && auth.kind !== 'none') {
        for (const r of added) {
          Validations.of(r).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              'The reader page, its static assets and the OpenAPI document hold no data; a browser loads ' +
              'them before it has a token. Every data route keeps the authoriser.',
          });
        }
      }
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit ?? 50, burstLimit: props.throttleBurstLimit ?? 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    if (auth.kind === 'none') {
      Validations.of(this.httpApi).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'The operator deployed with -c publicApi=true: the summaries are meant to be public.',
      });
    }
  }

  /** The base URL of the API (the `$default` stage). */
  get url(): string {
    return this.stage.url;
  }
}

function authorizerFor(auth: ApiAuth): IHttpRouteAuthorizer {
  switch (auth.kind) {
    case 'iam':
      return new HttpIamAuthorizer();
    case 'jwt':
      return new HttpJwtAuthorizer('JwtAuthorizer', auth.issuer, { jwtAudience: [...auth.audience] });
    case 'none':
      return new HttpNoneAuthorizer();
  }
}
