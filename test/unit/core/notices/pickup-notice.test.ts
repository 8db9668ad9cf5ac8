import { describe, expect, it } from 'vitest';
import { noticeRecipient, renderNotice, templateFor } from '../../../../core/notices/pickup-notice';

describe('pickup notice text and recipient (docs/identity.md §12)', () => {
  const templates = { default: 'Hi {firstName}, {orderName} is ready at {location}. {storeName}', fr: 'Bonjour {firstName}, {orderName} vous attend.', 'fr-CA': 'Allo {firstName}!' };

  it('picks the exact locale, then its language, then default', () => {
    expect([templateFor(templates, 'fr-CA'), templateFor(templates, 'fr-BE'), templateFor(templates, 'de'), templateFor(templates, null)]).toEqual([
      templates['fr-CA'],
      templates.fr,
      templates.default,
      templates.default,
    ]);
  });

  it('fills the placeholders, and reads well without a first name', () => {
    const values = { storeName: 'Main Street Goods', orderName: '#1001', location: 'Main Street Store', firstName: '' };
    expect(renderNotice(templates.default, values)).toBe('Hi, #1001 is ready at Main Street Store. Main Street Goods');
    expect(renderNotice(templates.default, { ...values, firstName: 'Ada' })).toBe('Hi Ada, #1001 is ready at Main Street Store. Main Street Goods');
  });

  it('texts her golden phone, unless she has none or her SMS consent is unsubscribed', () => {
    const at = '2026-12-01T10:00:00.000Z';
    expect(noticeRecipient({ fields: { phone: { value: '+14155550100', source: 'shopify', at } } })).toEqual({ kind: 'phone', to: '+14155550100' });
    expect(noticeRecipient({ fields: {} })).toEqual({ kind: 'none', reason: 'no phone' });
    expect(noticeRecipient({ fields: { phone: { value: '+14155550100', source: 'shopify', at }, smsConsent: { value: 'unsubscribed', source: 'twilio', at } } })).toEqual({
      kind: 'none',
      reason: 'SMS unsubscribed',
    });
  });
});
