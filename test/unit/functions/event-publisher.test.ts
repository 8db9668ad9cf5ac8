import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EventPublisher } from '../../../functions/lib/adapters/event-publisher';

const eventBridge = mockClient(EventBridgeClient);
afterEach(() => eventBridge.reset());

const changed = (n: number) => ({
  type: 'CustomerChanged' as const,
  detail: { schemaVersion: 1, correlationId: `c${n}`, customerId: 'oh_01jd0000000000000000000000', customerVersion: n + 1, origin: 'shopify', changedFields: ['firstName'], systems: ['hubspot'] },
});

describe('EventPublisher', () => {
  it('sends at most 10 entries per PutEvents call, as EventBridge requires', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    // Act
    await new EventPublisher('omnihub').publish(Array.from({ length: 23 }, (_, i) => changed(i)));
    // Assess
    const calls = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length);
    expect(calls).toEqual([10, 10, 3]);
    expect(eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: 'omnihub',
      Source: 'omnihub',
      DetailType: 'CustomerChanged',
    });
  });

  it('fails the whole publish when EventBridge rejects an entry, so the caller retries', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    // Act + Assess
    await expect(new EventPublisher('omnihub').publish([changed(1)])).rejects.toThrow(/rejected 1 of 1 events: ThrottlingException/);
  });

  it('refuses to publish an event that does not match its schema', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const invalid = { type: 'CustomerChanged' as const, detail: { ...changed(1).detail, changedFields: [] } };
    // Act + Assess
    await expect(new EventPublisher('omnihub').publish([invalid])).rejects.toThrow();
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
