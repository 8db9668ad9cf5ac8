import { describe, expect, it } from 'vitest';
import { MESSAGE_METRICS, messageEvent } from '../../../../connectors/klaviyo/message-events';
import type { Message } from '../../../../core/model/message';

function aMessage(overrides: Partial<Message> = {}): Message {
  return {
    origin: { system: 'twilio', externalId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f' },
    channel: 'sms',
    direction: 'inbound',
    customerAddress: '+15005550006',
    shopAddress: '+15017122661',
    body: 'Is my order ready?',
    mediaCount: 0,
    at: '2026-11-30T09:15:42.250Z',
    status: 'received',
    ...overrides,
  };
}

describe('messageEvent', () => {
  it.each([
    ['sms', 'inbound', 'Sent SMS to Shop'],
    ['sms', 'outbound', 'Received SMS from Shop'],
    ['whatsapp', 'inbound', 'Sent WhatsApp Message to Shop'],
    ['whatsapp', 'outbound', 'Received WhatsApp Message from Shop'],
  ] as const)('names a %s %s message %s', (channel, direction, metric) => {
    // Act
    const event = messageEvent(aMessage({ channel, direction }));

    // Assess
    expect(event.metric).toBe(metric);
  });

  it("never uses a metric name of Klaviyo's own SMS channel (Received SMS, Sent SMS)", () => {
    // Assess
    const names = Object.values(MESSAGE_METRICS).flatMap((byDirection) => Object.values(byDirection));
    expect(names).toHaveLength(4);
    expect(new Set(names).size).toBe(4);
    for (const reserved of ['Received SMS', 'Sent SMS', 'Received WhatsApp Message', 'Sent WhatsApp Message']) expect(names).not.toContain(reserved);
  });

  it('keys the event by the message key, timed when the message happened, with what the message says', () => {
    // Act
    const event = messageEvent(aMessage({ channel: 'whatsapp', direction: 'outbound', body: 'Your order is ready', mediaCount: 2 }));

    // Assess
    expect(event).toEqual({
      metric: 'Received WhatsApp Message from Shop',
      uniqueId: 'twilio:SM1f0e8ae6ade43cb3c0ce4525424e404f',
      time: '2026-11-30T09:15:42.250Z',
      properties: {
        Channel: 'whatsapp',
        Direction: 'outbound',
        Body: 'Your order is ready',
        MediaCount: 2,
        MessageKey: 'twilio:SM1f0e8ae6ade43cb3c0ce4525424e404f',
        ShopAddress: '+15017122661',
      },
    });
  });

  it("leaves the customer's phone out of the properties: the profile holds it", () => {
    // Act
    const event = messageEvent(aMessage());

    // Assess
    expect(JSON.stringify(event)).not.toContain('+15005550006');
  });

  it('keeps an empty body (a picture-only message) as an empty string', () => {
    // Act
    const event = messageEvent(aMessage({ body: '', mediaCount: 1 }));

    // Assess
    expect(event.properties).toMatchObject({ Body: '', MediaCount: 1 });
  });

  it('names the order a pickup notice was for, so the shop\'s Ready for Pickup flow can skip whom it reached', () => {
    // Act
    const notice = messageEvent(aMessage({ direction: 'outbound', notice: { kind: 'ready_for_pickup', orderKey: 'shopify:450789469', orderName: '#1001' } }));
    const plain = messageEvent(aMessage({ direction: 'outbound' }));

    // Assess
    expect(notice.properties).toMatchObject({ Notice: 'ready_for_pickup', OrderId: 'shopify:450789469', OrderName: '#1001' });
    expect(plain.properties).not.toHaveProperty('Notice');
  });
});
