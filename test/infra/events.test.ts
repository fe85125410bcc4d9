import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { onlyResource, synthWithoutBundling } from './support.ts';

// One synthesis of the default (prod) stack, shared by every assertion in this file.
const { template } = synthWithoutBundling();

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Policy = { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } };

const bus = onlyResource(template, 'AWS::Events::EventBus');
const ingestFn = onlyResource(template, 'AWS::Lambda::Function', {
  Properties: { Environment: { Variables: { QUEUE_URL: Match.anyValue() } } },
});
const ingestRole = (ingestFn.properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Every statement of every IAM policy in the stack, with the roles it is attached to. */
const grants = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Policy>).flatMap(
  (policy) =>
    policy.Properties.PolicyDocument.Statement.map((statement) => ({
      roles: (policy.Properties.Roles ?? []).map((r) => r.Ref),
      statement,
    })),
);

describe('outcome event bus', () => {
  it('is created by the stack and named in an output', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    expect(bus.properties.Name).toBeDefined();
    expect(outputs.EventBusName?.Value).toEqual({ Ref: bus.logicalId });
  });

  it('is named in the ingest function environment', () => {
    const env = (ingestFn.properties.Environment as { Variables: Record<string, unknown> }).Variables;

    expect(env.EVENT_BUS_NAME).toEqual({ Ref: bus.logicalId });
  });

  it('lets the ingest function put events on exactly this bus', () => {
    const onBus = grants.filter(
      (g) =>
        g.roles.includes(ingestRole) &&
        JSON.stringify(g.statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [bus.logicalId, 'Arn'] }),
    );

    expect(onBus.map((g) => [g.statement.Effect, actionsOf(g.statement)])).toEqual([
      ['Allow', ['events:PutEvents']],
    ]);
  });

  it('grants no other EventBridge permission to any role in the stack', () => {
    const eventsGrants = grants.filter((g) => actionsOf(g.statement).some((a) => a.startsWith('events:')));

    expect(eventsGrants).toHaveLength(1);
    expect(eventsGrants[0]?.roles).toEqual([ingestRole]);
    expect(eventsGrants[0]?.statement.Resource).toEqual({ 'Fn::GetAtt': [bus.logicalId, 'Arn'] });
  });
});
