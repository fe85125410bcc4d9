import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { FileOutcomeEvents } from '../adapters/file-events.ts';
import type { EventsConfig } from '../config/events.ts';
import type { OutcomeEvents } from '../pipeline/ports.ts';

/**
 * The EventBridge adapter, loaded with the first outcome rather than at init (the ingest cold
 * start has an import budget); a failed load is tried again with the next publish.
 */
function lazyEventBridge(busName: string, client: EventBridgeClient | undefined): OutcomeEvents {
  let adapter: Promise<OutcomeEvents> | null = null;
  const load = async (): Promise<OutcomeEvents> => {
    const [{ EventBridgeClient }, { EventBridgeOutcomeEvents }] = await Promise.all([
      import('@aws-sdk/client-eventbridge'),
      import('../adapters/eventbridge-events.ts'),
    ]);
    const eventBridge =
      client ??
      new EventBridgeClient({ requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } });
    return new EventBridgeOutcomeEvents(eventBridge, busName);
  };
  return {
    publish: async (event) => {
      adapter ??= load().catch((e: unknown) => {
        adapter = null;
        throw e;
      });
      await (await adapter).publish(event);
    },
  };
}

/**
 * Where the ingest function publishes outcomes: the stack's EventBridge bus on AWS, the local
 * stack's event log on one machine, nowhere when neither is configured (a bare handler in a test).
 */
export function createOutcomeEvents(
  config: EventsConfig,
  clients: { eventBridge?: EventBridgeClient } = {},
): OutcomeEvents | null {
  if (config.busName) return lazyEventBridge(config.busName, clients.eventBridge);
  if (config.eventsDir) return new FileOutcomeEvents(config.eventsDir);
  return null;
}
