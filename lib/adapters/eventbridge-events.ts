import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { OutcomeEvent } from '../domain/outcome-event.ts';
import type { OutcomeEvents } from '../pipeline/ports.ts';

/** PutEvents answered 200 but refused the entry (`FailedEntryCount` 1): it was not published. */
class EventRejectedError extends Error {
  readonly errorCode: string | null;
  constructor(busName: string, errorCode: string | null, errorMessage: string | null) {
    super(
      `EventBridge bus ${busName} rejected the event: ${errorCode ?? 'unknown'} ${errorMessage ?? ''}`.trim(),
    );
    this.name = 'EventRejectedError';
    this.errorCode = errorCode;
  }
}

/** Outcome events on an EventBridge bus: `source` khulasa, one detail-type per outcome. */
export class EventBridgeOutcomeEvents implements OutcomeEvents {
  readonly #client: EventBridgeClient;
  readonly #busName: string;

  constructor(client: EventBridgeClient, busName: string) {
    this.#client = client;
    this.#busName = busName;
  }

  async publish(event: OutcomeEvent): Promise<void> {
    const out = await this.#client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.#busName,
            Source: event.source,
            DetailType: event['detail-type'],
            Detail: JSON.stringify(event.detail),
            Time: new Date(event.time),
          },
        ],
      }),
    );
    // A partial failure is not an exception in the SDK: the entry says why it was not put.
    if ((out.FailedEntryCount ?? 0) > 0) {
      const entry = out.Entries?.[0];
      throw new EventRejectedError(this.#busName, entry?.ErrorCode ?? null, entry?.ErrorMessage ?? null);
    }
  }
}
