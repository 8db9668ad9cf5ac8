import { describe, expect, it } from 'vitest';
import { TWILIO_CONNECTION_OVERRIDES } from '../../../../connectors/twilio/connection-overrides';
import { connectionOverrides } from '../../../../connectors/twilio/fake/webhooks';

/** The Twilio fake reads a URL's connection overrides as Twilio does (twilio.com/docs/usage/webhooks/webhooks-connection-overrides). */
describe('Twilio fake: connection overrides', () => {
  it("retries once on a failed connect only by Twilio's default, so a 500 loses the message", () => {
    const schedule = connectionOverrides('https://hub.example.com/webhooks/twilio');
    expect(schedule.retries).toBe(1);
    expect([schedule.retriesOn('network_error'), schedule.retriesOn(500), schedule.retriesOn('timeout'), schedule.retriesOn(401)]).toEqual([true, false, false, false]);
  });

  it("retries what omnihub's overrides ask: up to 3 times on a failed connect, a read timeout or a 5xx, never a 4xx", () => {
    const schedule = connectionOverrides(`https://hub.example.com/webhooks/twilio#${TWILIO_CONNECTION_OVERRIDES}`);
    expect(schedule.retries).toBe(3);
    expect([schedule.retriesOn('network_error'), schedule.retriesOn(500), schedule.retriesOn(503), schedule.retriesOn('timeout'), schedule.retriesOn(401), schedule.retriesOn(400)]).toEqual([true, true, true, true, false, false]);
  });

  it('refuses what Twilio refuses: a retry count above 5, an unknown retry policy', () => {
    expect(() => connectionOverrides('https://hub.example.com/webhooks/twilio#rc=6')).toThrow(/rc=6 is out of range/);
    expect(() => connectionOverrides('https://hub.example.com/webhooks/twilio#rp=3xx')).toThrow(/11243/);
  });
});
