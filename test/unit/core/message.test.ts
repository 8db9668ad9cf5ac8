import { describe, expect, it } from 'vitest';
import { consentStatedBy, MessageSchema, messageKey, messageStatusAfter } from '../../../core/model/message';

describe('messages (docs/identity.md §11)', () => {
  it('reads STOP and START keywords only as the whole message, and lets OptOutType decide', () => {
    // Act / Assess
    expect(consentStatedBy('STOP')).toBe('unsubscribed');
    expect(consentStatedBy('  stop \n')).toBe('unsubscribed');
    expect(consentStatedBy('Unsubscribe')).toBe('unsubscribed');
    expect(consentStatedBy('Stop please')).toBeUndefined();
    expect(consentStatedBy('STOP.')).toBeUndefined();
    expect(consentStatedBy('start')).toBe('subscribed');
    expect(consentStatedBy('UNSTOP')).toBe('subscribed');
    expect(consentStatedBy('HELP')).toBeUndefined();
    expect(consentStatedBy('Arrête', 'STOP')).toBe('unsubscribed');
    expect(consentStatedBy('STOP', 'HELP')).toBeUndefined();
    expect(consentStatedBy('Is my order ready?')).toBeUndefined();
  });

  it('moves a status forward only, and keeps undelivered and failed final', () => {
    // Act / Assess
    expect(messageStatusAfter('queued', 'sent')).toBe('sent');
    expect(messageStatusAfter('delivered', 'sent')).toBe('delivered');
    expect(messageStatusAfter('sent', 'delivered')).toBe('delivered');
    expect(messageStatusAfter('delivered', 'read')).toBe('read');
    expect(messageStatusAfter('sending', 'failed')).toBe('failed');
    expect(messageStatusAfter('failed', 'delivered')).toBe('failed');
    expect(messageStatusAfter('undelivered', 'sent')).toBe('undelivered');
  });

  it('keys a message by its origin, and refuses an address that is not E.164', () => {
    // Prepare
    const message = {
      origin: { system: 'twilio', externalId: 'SM0123456789abcdef0123456789abcdef' },
      channel: 'whatsapp',
      direction: 'inbound',
      customerAddress: '+15005550006',
      shopAddress: '+15005550001',
      body: 'Is the blue teapot in stock?',
      mediaCount: 0,
      at: '2026-12-03T10:00:00.000Z',
      status: 'received',
    };

    // Act
    const good = MessageSchema.safeParse(message);
    const bad = MessageSchema.safeParse({ ...message, customerAddress: 'whatsapp:+15005550006' });

    // Assess
    expect(good.success).toBe(true);
    expect(messageKey(message.origin)).toBe('twilio:SM0123456789abcdef0123456789abcdef');
    expect(bad.success).toBe(false);
  });
});
