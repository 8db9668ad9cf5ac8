import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local';
import { root } from '../support/pipeline';

/** The README's walkthrough, as a new user runs it: npm start, edit a sandbox, watch the other follow, look the customer up. */
describe('npm start', () => {
  let hub: ChildProcess;
  let output = '';
  let port: number;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    port = await freePort();
    const stateFile = path.join(await mkdtemp(path.join(tmpdir(), 'omnihub-state-')), 'local.json');
    env = { ...process.env, PORT: String(port), OMNIHUB_STATE_FILE: stateFile };
    hub = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    hub.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    hub.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(() => output.includes('omnihub is running.'), 90_000, () => output);
  }, 120_000);

  afterAll(async () => {
    if (hub && hub.exitCode === null) {
      const exited = new Promise((resolve) => hub.once('exit', resolve));
      hub.kill('SIGTERM');
      await exited;
    }
  });

  it('prints where everything is', () => {
    expect(output).toContain(`POST http://127.0.0.1:${port}/webhooks/{shopify|hubspot}`);
    expect(output).toMatch(/Shopify\s+sandbox at http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/HubSpot\s+sandbox at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('carries an edit in the Shopify sandbox to the same person in the HubSpot sandbox', async () => {
    // Prepare
    const shopify = /Shopify\s+sandbox at (http:\/\/[\d.:]+)/.exec(output)![1];
    const hubspot = /HubSpot\s+sandbox at (http:\/\/[\d.:]+)/.exec(output)![1];
    const list = (await (await fetch(`${shopify}/_sandbox/customers`)).json()) as { customers: Array<{ id: unknown; email: string }> };
    // The sandbox answers with Shopify's bare 64-bit ids: read the id from the raw text, not from the parsed number
    const raw = await (await fetch(`${shopify}/_sandbox/customers`)).text();
    const adaId = /"id":(\d+),"email":"Ada\.Lovelace@Example\.com"/.exec(raw)![1];
    expect(list.customers.length).toBeGreaterThan(0);
    // Act
    const edit = await fetch(`${shopify}/_sandbox/customers/${adaId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Augusta' }),
    });
    expect(edit.status).toBe(200);
    // Assess: the HubSpot sandbox's Ada (contact 51, written differently) follows
    await waitFor(async () => {
      const contact = (await (await fetch(`${hubspot}/_sandbox/contacts/51`)).json()) as { properties: Record<string, string | null> };
      return contact.properties.firstname === 'Augusta';
    }, 20_000, () => output);
    // and says so, one readable line per step
    await waitFor(() => /sync-hubspot\s+sync: (linked-existing|updated)/.test(output), 5_000, () => output);
    expect(output).toMatch(/webhook-receiver\s+webhook accepted/);
  });

  it('shows the unified customer with npx omnihub customer', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/omnihub.ts', 'customer', 'ADA.LOVELACE@example.com', '--json'], { cwd: root, env });
    const customer = JSON.parse(stdout) as { links: Array<{ system: string; externalId: string }>; fields: { firstName: { value: string; source: string } } };
    expect(customer.links.map((l) => l.system).sort()).toEqual(['hubspot', 'shopify']);
    expect(customer.fields.firstName).toMatchObject({ value: 'Augusta', source: 'shopify' });
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out. Output so far:\n${context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
