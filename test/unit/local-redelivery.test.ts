import { describe, expect, it } from 'vitest';
import { MAX_REDELIVERY_DELAY_MS, redeliveryDelayMs } from '../../local/local-queue';
import { MAX_RECEIVE_COUNT } from '../../core/routing';

describe('local queue redelivery', () => {
  it('retries quickly at first and spans minutes over the receives AWS allows, as a message waiting for a customer record needs', () => {
    const delays = Array.from({ length: MAX_RECEIVE_COUNT - 1 }, (_, index) => redeliveryDelayMs(100, index + 1));
    expect(delays.slice(0, 4)).toEqual([100, 300, 900, 2700]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_REDELIVERY_DELAY_MS);
    expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThan(180_000);
  });
});
