import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, EventSchemas, type EventType } from '../../../core/events';

export interface OutgoingEvent {
  type: EventType;
  detail: unknown;
}

/**
 * Puts omnihub events on the bus, validated on the way out (and again by every target on
 * the way in). PutEvents takes 10 entries per call and can fail per entry: any failed
 * entry fails the whole publish so the caller's retry covers it (targets are idempotent).
 */
export class EventPublisher {
  constructor(
    private readonly busName: string,
    /** The CLI passes its own (region, credentials, endpoint); functions use the environment's. */
    private readonly client: Pick<EventBridgeClient, 'send'> = new EventBridgeClient({}),
  ) {}

  async publish(events: OutgoingEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const entries = events.slice(i, i + 10).map(({ type, detail }) => ({
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: type,
        Detail: JSON.stringify(EventSchemas[type].parse(detail)),
      }));
      const result = await this.client.send(new PutEventsCommand({ Entries: entries }));
      if ((result.FailedEntryCount ?? 0) > 0) {
        const codes = (result.Entries ?? []).map((e) => e.ErrorCode).filter(Boolean);
        throw new Error(`EventBridge rejected ${result.FailedEntryCount} of ${entries.length} events: ${codes.join(', ')}`);
      }
    }
  }
}
