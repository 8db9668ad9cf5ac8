import { describe, expect, it } from 'vitest';
import { formatCustomer } from '../../../bin/format-customer';
import { MESSAGE_PHONE_TIME } from '../../../core/messages/phone-observation';
import type { Customer } from '../../../core/model/customer';

describe('omnihub customer', () => {
  it('shows a phone only a message gave as undated, not as 1970, and a consent choice with how it was made', () => {
    const customer = {
      id: 'oh_01m91aam5w8r67sy5z5q3syjyv',
      version: 2,
      createdAt: '2026-12-04T10:00:00.000Z',
      updatedAt: '2026-12-04T10:00:01.000Z',
      fields: {
        phone: { value: '+14155550105', source: 'twilio', at: MESSAGE_PHONE_TIME },
        email: { value: 'mae@example.org', source: 'shopify', at: '2026-12-04T10:00:01Z' },
        smsConsent: { value: 'unsubscribed', source: 'twilio', at: '2026-12-04T10:00:02Z', how: 'replied with an opt-out keyword (STOP) by SMS' },
      },
      links: [{ system: 'twilio', externalId: '+14155550105', linkedAt: '2026-12-04T10:00:00.000Z', held: {}, version: 1 }],
      emails: ['mae@example.org'],
      phones: ['+14155550105'],
    } as unknown as Customer;

    const shown = formatCustomer(customer);

    expect(shown).toMatch(/phone +\+14155550105 +twilio +undated \(from a message\)/);
    expect(shown).toMatch(/email +mae@example.org +shopify +2026-12-04T10:00:01Z/);
    expect(shown).toMatch(/smsConsent +unsubscribed +twilio +2026-12-04T10:00:02Z +\(replied with an opt-out keyword \(STOP\) by SMS\)/);
    expect(shown).not.toContain('1970');
  });
});
