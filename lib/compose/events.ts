import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeOutcomeEvents } from '../adapters/eventbridge-events.ts';
import { FileOutcomeEvents } from '../adapters/file-events.ts';
import type { EventsConfig } from '../config/events.ts';
import type { OutcomeEvents } from '../pipeline/ports.ts';

/**
 * Where the ingest function publishes outcomes: the stack's EventBridge bus on AWS, the local
 * stack's event log on one machine, nowhere when neither is configured (a bare handler in a test).
 */
export function createOutcomeEvents(
  config: EventsConfig,
  clients: { eventBridge?: EventBridgeClient } = {},
): OutcomeEvents | null {
  if (config.busName) {
    const client =
      clients.eventBridge ??
      new EventBridgeClient({ requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } });
    return new EventBridgeOutcomeEvents(client, config.busName);
  }
  if (config.eventsDir) return new FileOutcomeEvents(config.eventsDir);
  return null;
}
