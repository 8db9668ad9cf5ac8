import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiFaultInjector } from '../../../../connectors/testing/api-faults';
import { FakeHttpServer, INVOCATION_HEADER, requestLogOf } from '../../../../connectors/testing/fake-http';
import { WebhookSender, exponentialBackoff, type RetrySchedule } from '../../../../connectors/testing/webhook-sender';

interface Received {
  body: string;
  headers: Record<string, string>;
}

/** A hub stand-in that answers each delivery with the next status of `script` (then 200). */
async function aReceiver(script: number[] = []): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers });
      res.writeHead(script.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  return { url: `http://127.0.0.1:${address.port}/webhooks/x`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const anyFailure: RetrySchedule = { retries: 3, delayMs: exponentialBackoff({ retries: 3, overMs: 7000 }), retriesOn: () => true };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function receiver(script: number[] = []) {
  const r = await aReceiver(script);
  closers.push(r.close);
  return r;
}

describe('WebhookSender', () => {
  it('without chaos or schedule delivers each webhook once, as before', async () => {
    const hub = await receiver();
    const sender = new WebhookSender(hub.url);
    sender.send('{"n":1}', { 'x-topic': 'a' });
    sender.send('{"n":2}', { 'x-topic': 'b' });
    await sender.idle();
    expect(hub.received.map((r) => r.body)).toEqual(['{"n":1}', '{"n":2}']);
    expect(sender.deliveries.map((d) => d.status)).toEqual([200, 200]);
    expect(sender.stats).toMatchObject({ triggered: 2, sent: 2, duplicated: 0, reordered: 0, retried: 0, failed: 0 });
  });

  it('retries a failed delivery with the original body and headers until it is answered 2xx', async () => {
    const hub = await receiver([500, 503]);
    const sender = new WebhookSender(hub.url, { retrySchedule: anyFailure });
    sender.send('{"id":7}', { 'x-signature': 'sig-at-trigger-time' });
    await sender.idle();
    expect(hub.received).toHaveLength(3);
    expect(new Set(hub.received.map((r) => `${r.body}|${r.headers['x-signature']}`))).toEqual(new Set(['{"id":7}|sig-at-trigger-time']));
    expect(sender.deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [0, 500],
      [1, 503],
      [2, 200],
    ]);
    expect(sender.stats).toMatchObject({ sent: 3, retried: 2, failed: 0 });
  });

  it('gives up after the schedule\'s retries and counts the delivery as failed', async () => {
    const hub = await receiver([500, 500, 500, 500, 500]);
    const sender = new WebhookSender(hub.url, { retrySchedule: anyFailure });
    sender.send('{}', {});
    await sender.idle();
    expect(hub.received).toHaveLength(4); // the first attempt and 3 retries
    expect(sender.stats).toMatchObject({ sent: 4, retried: 3, failed: 1 });
  });

  it('does not retry an answer the vendor does not retry', async () => {
    const hub = await receiver([401]);
    const sender = new WebhookSender(hub.url, { retrySchedule: { ...anyFailure, retriesOn: (outcome) => outcome !== 401 } });
    sender.send('{}', {});
    await sender.idle();
    expect(hub.received).toHaveLength(1);
    expect(sender.stats).toMatchObject({ sent: 1, retried: 0, failed: 1 });
  });

  it('retries when nobody answers (network error)', async () => {
    const hub = await receiver();
    const url = hub.url;
    await closers.pop()!(); // the hub is down
    const sender = new WebhookSender(url, { retrySchedule: anyFailure });
    sender.send('{}', {});
    await sender.idle();
    expect(sender.deliveries.map((d) => d.status)).toEqual(['network_error', 'network_error', 'network_error', 'network_error']);
    expect(sender.stats.failed).toBe(1);
  });

  it('builds every attempt with the vendor\'s prepare(attempt) hook (HubSpot re-signs and counts attemptNumber)', async () => {
    const hub = await receiver([500, 500]);
    const sender = new WebhookSender(hub.url, {
      retrySchedule: anyFailure,
      prepare: (attempt, original) => ({ body: JSON.stringify({ ...JSON.parse(original.body), attemptNumber: attempt }), headers: { 'x-ts': `t${attempt}` } }),
    });
    sender.send('{"eventId":1,"attemptNumber":0}', {});
    await sender.idle();
    expect(hub.received.map((r) => [JSON.parse(r.body).attemptNumber, r.headers['x-ts']])).toEqual([
      [0, 't0'],
      [1, 't1'],
      [2, 't2'],
    ]);
  });

  it('asks the schedule for the wait before each retry', async () => {
    const hub = await receiver([500, 500]);
    const asked: number[] = [];
    const sender = new WebhookSender(hub.url, { retrySchedule: { retries: 5, delayMs: (retry) => (asked.push(retry), 3_600_000), retriesOn: () => true }, timeScale: 1e-6 });
    sender.send('{}', {});
    await sender.idle();
    expect(asked).toEqual([1, 2]);
  });

  it('exponential backoff doubles from retry to retry and adds up to the vendor\'s window', () => {
    const delay = exponentialBackoff({ retries: 8, overMs: 4 * 3_600_000 });
    const delays = Array.from({ length: 8 }, (_, i) => delay(i + 1, () => 0.5));
    expect(delays.reduce((sum, d) => sum + d, 0)).toBeCloseTo(4 * 3_600_000, 3);
    expect(delays[1]! / delays[0]!).toBeCloseTo(2, 6);
  });

  it('sends a share of deliveries twice, with the same payload', async () => {
    const hub = await receiver();
    const sender = new WebhookSender(hub.url, { chaos: { seed: 5, duplicate: 1 } });
    sender.send('{"n":1}', { 'x-id': 'w1' });
    await sender.idle();
    expect(hub.received.map((r) => `${r.body}|${r.headers['x-id']}`)).toEqual(['{"n":1}|w1', '{"n":1}|w1']);
    expect(sender.deliveries.map((d) => d.copy).sort()).toEqual(['duplicate', 'original']);
    expect(sender.stats).toMatchObject({ triggered: 1, sent: 2, duplicated: 1 });
  });

  it('holds a delivery back so that a later one overtakes it, and idle() waits for the held one', async () => {
    const hub = await receiver();
    const sender = new WebhookSender(hub.url);
    sender.chaos = { reorder: 1, holdMs: [150, 150] };
    sender.send('{"n":1}', {});
    sender.chaos = {};
    sender.send('{"n":2}', {});
    await sender.idle();
    expect(hub.received.map((r) => r.body)).toEqual(['{"n":2}', '{"n":1}']);
    expect(sender.stats.reordered).toBe(1);
  });

  it('makes the same decisions for the same seed', async () => {
    const hub = await receiver();
    const decisions = async (seed: number) => {
      const sender = new WebhookSender(hub.url, { chaos: { seed, duplicate: 0.3, reorder: 0.2, holdMs: [1, 5] } });
      for (let i = 0; i < 40; i += 1) sender.send(`{"n":${i}}`, {});
      await sender.idle();
      return { duplicated: sender.stats.duplicated, reordered: sender.stats.reordered };
    };
    const first = await decisions(11);
    expect(await decisions(11)).toEqual(first);
    expect(first.duplicated).toBeGreaterThan(0);
    expect(first.reordered).toBeGreaterThan(0);
  });
});

describe('ApiFaultInjector', () => {
  it('answers ok for every request until configured', () => {
    const faults = new ApiFaultInjector(3);
    expect(Array.from({ length: 100 }, () => faults.decide()).every((fault) => fault === 'ok')).toBe(true);
  });

  it('decides a seeded share of requests: 429s and 5xx at their rates, the same for the same seed', () => {
    const run = () => {
      const faults = new ApiFaultInjector();
      faults.configure({ seed: 9, rateLimited: 0.05, serverError: 0.02 });
      return Array.from({ length: 10_000 }, () => faults.decide());
    };
    const decisions = run();
    expect(run()).toEqual(decisions);
    const share = (fault: string) => decisions.filter((d) => d === fault).length / decisions.length;
    expect(share('rate_limited')).toBeGreaterThan(0.04);
    expect(share('rate_limited')).toBeLessThan(0.06);
    expect(share('server_error')).toBeGreaterThan(0.012);
    expect(share('server_error')).toBeLessThan(0.028);
  });
});

describe('FakeHttpServer request log', () => {
  it('tells a listener of each request, with the invocation that made it, before the fake answers', async () => {
    const server = new FakeHttpServer(() => ({ status: 200, body: { ok: true } }));
    const url = await server.listen();
    closers.push(() => server.close());
    const order: string[] = [];
    requestLogOf(server.requests)!.subscribe(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push(`listener:${request.invocation}`);
    });
    const response = await fetch(`${url}/thing`, { method: 'POST', headers: { [INVOCATION_HEADER]: 'sync-x#4' }, body: '{}' });
    order.push(`answered:${response.status}`);
    expect(order).toEqual(['listener:sync-x#4', 'answered:200']);
    expect(server.requests.filter((r) => r.path === '/thing')).toHaveLength(1);
  });
});
