import { describe, expect, it } from 'vitest';
import { redact } from '../../../functions/lib/redact';

describe('redact', () => {
  it('masks emails and phone numbers inside any string, at any depth', () => {
    // Act
    const out = redact({ message: 'sent to Ada.Lovelace@example.com', nested: { note: 'call +1 (212) 555-0101' }, list: ['2125550101'] });
    // Assess
    expect(JSON.stringify(out)).not.toMatch(/lovelace|555|2125550101/i);
  });

  it('drops values under secret-sounding keys whole', () => {
    expect(redact({ accessToken: 'shpat_abc', authorization: 'Bearer x', clientSecret: 'y' })).toEqual({
      accessToken: '[redacted]',
      authorization: '[redacted]',
      clientSecret: '[redacted]',
    });
  });

  it('keeps ids readable, even long digit runs', () => {
    expect(redact({ externalId: '7065055069303700001', customerId: 'oh_01jd' })).toEqual({ externalId: '7065055069303700001', customerId: 'oh_01jd' });
  });
});

describe('redact errors', () => {
  it('keeps an error readable (name, message, stack) with the PII masked', () => {
    const out = redact({ error: new Error('HubSpot refused ada@example.com') }) as { error: { name: string; message: string; stack: string } };
    expect(out.error.name).toBe('Error');
    expect(out.error.message).toBe('HubSpot refused [email]');
    expect(out.error.stack).toContain('redact.test.ts');
    expect(out.error.stack).not.toContain('ada@example.com');
  });
});
