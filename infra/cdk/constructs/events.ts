import * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface OutcomeEventsProps {
  /** The function that publishes outcomes (the ingest function): the only one allowed to. */
  readonly publisher: lambda.Function;
}

/**
 * The bus every terminal outcome is published to (source `khulasa`, detail-types `Summary Done`,
 * `Summary Failed`, `Summary Deleted`). Consumers add their own rules and targets to it; the
 * stack grants the ingest function `events:PutEvents` on this bus and nothing else.
 */
export class OutcomeEvents extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: OutcomeEventsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      description: 'khulasa: one event per done, failed or deleted summary record (source khulasa)',
    });
    this.bus.grantPutEventsTo(props.publisher);
    props.publisher.addEnvironment('EVENT_BUS_NAME', this.bus.eventBusName);
  }
}
