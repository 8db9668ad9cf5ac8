import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local';
import { npmStartArgs } from '../support/npm-start';
import { root } from '../support/pipeline';

/**
 * The README's walkthrough, as a new user runs it: npm start, edit a sandbox, watch the other
 * follow, look the customer up; then stop and start again and find everything kept, or start
 * clean with --fresh. The hub keeps its data in a temporary OMNIHUB_DATA_DIR, never the developer's.
 */
describe('npm start', () => {
  let hub: ChildProcess;
  let output = '';
  let port: number;
  let env: NodeJS.ProcessEnv;

  async function startHub(args: string[] = []) {
    output = '';
    // What `npm start` runs (package.json), without npm's own process in between.
    hub = spawn(process.execPath, [...(await npmStartArgs(root)), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    hub.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    hub.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(() => output.includes('omnihub is running.'), 90_000, () => output);
  }

  async function stopHub() {
    if (hub && hub.exitCode === null) {
      const exited = new Promise((resolve) => hub.once('exit', resolve));
      hub.kill('SIGTERM');
      await exited;
    }
  }

  const sandboxUrl = (name: 'Shopify' | 'HubSpot' | 'Square') => new RegExp(`${name}\\s+sandbox at (http:\\/\\/[\\d.:]+)`).exec(output)![1];
  const lookUp = (query: string) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/omnihub.ts', 'customer', query, '--json'], { cwd: root, env });

  beforeAll(async () => {
    port = await freePort();
    const scratch = await mkdtemp(path.join(tmpdir(), 'omnihub-state-'));
    env = { ...process.env, PORT: String(port), OMNIHUB_STATE_FILE: path.join(scratch, 'local.json'), OMNIHUB_DATA_DIR: path.join(scratch, 'data') };
    await startHub();
  }, 120_000);

  afterAll(async () => {
    await stopHub();
  });

  it('prints where everything is', () => {
    expect(output).toContain(`POST http://127.0.0.1:${port}/webhooks/{shopify|hubspot|square}`);
    expect(output).toMatch(/Shopify\s+sandbox at http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/HubSpot\s+sandbox at http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/Square\s+sandbox at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('carries an edit in the Shopify sandbox to the same person in the HubSpot sandbox', async () => {
    // Prepare
    const shopify = sandboxUrl('Shopify');
    const hubspot = sandboxUrl('HubSpot');
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
    const { stdout } = await lookUp('ADA.LOVELACE@example.com');
    const customer = JSON.parse(stdout) as { links: Array<{ system: string; externalId: string }>; fields: { firstName: { value: string; source: string } } };
    expect(customer.links.map((l) => l.system).sort()).toEqual(['hubspot', 'shopify', 'square']);
    expect(customer.fields.firstName).toMatchObject({ value: 'Augusta', source: 'shopify' });
    // The store's Ada (seeded in the Square sandbox, written ADA.LOVELACE@example.com) is the same person: one record there, following the edit.
    const square = (await (await fetch(`${sandboxUrl('Square')}/_sandbox/customers`)).json()) as { customers: Array<{ email_address?: string; given_name?: string }> };
    const adas = square.customers.filter((c) => c.email_address?.toLowerCase() === 'ada.lovelace@example.com');
    expect(adas.map((c) => c.given_name)).toEqual(['Augusta']);
  });

  it('keeps the identity map on disk: after a restart the customer is still there', async () => {
    // Prepare: what the first start bundled, and the record of what each bundle was built from
    const buildDir = path.join(String(env.OMNIHUB_DATA_DIR), 'build');
    const built = async () => {
      const files = (await readdir(buildDir)).filter((f) => f.endsWith('.mjs') || f.endsWith('.inputs.json')).sort();
      return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(path.join(buildDir, f))] as const)));
    };
    const before = await built();
    // Act
    await stopHub();
    await startHub();
    // Assess: the restart reused every bundle (nothing changed): not one byte of the build folder moved, not even the build ids in the records
    const after = await built();
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(Object.keys(after)).toEqual(expect.arrayContaining(['webhook-receiver-shopify.mjs', 'webhook-receiver-hubspot.mjs', 'sync-hubspot.mjs.inputs.json', 'function-host.mjs']));
    for (const [file, bytes] of Object.entries(after)) expect(bytes.equals(before[file]!), file).toBe(true);
    // Assess
    const { stdout } = await lookUp('ada.lovelace@example.com');
    const customer = JSON.parse(stdout) as { links: Array<{ system: string }>; fields: { firstName: { value: string } } };
    expect(customer.links.map((l) => l.system).sort()).toEqual(['hubspot', 'shopify', 'square']);
    expect(customer.fields.firstName.value).toBe('Augusta');
    expect(output).toContain(`kept in ${path.join(String(env.OMNIHUB_DATA_DIR), 'dynamodb')}`);
  }, 120_000);

  it('keeps the sandboxes\' records on disk: after a restart both still hold the edit', async () => {
    // Act (the hub was restarted by the previous test)
    const shopify = await (await fetch(`${sandboxUrl('Shopify')}/_sandbox/customers`)).text();
    const contact = (await (await fetch(`${sandboxUrl('HubSpot')}/_sandbox/contacts/51`)).json()) as { properties: Record<string, string | null> };
    // Assess
    expect(shopify).toMatch(/"first_name":"Augusta"/);
    expect(contact.properties.firstname).toBe('Augusta');
  });

  it('starts clean with --fresh: no customer, and the sandboxes as seeded', async () => {
    // Act
    await stopHub();
    await startHub(['--fresh']);
    // Assess
    await expect(lookUp('ada.lovelace@example.com')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('No customer matches') });
    const shopify = await (await fetch(`${sandboxUrl('Shopify')}/_sandbox/customers`)).text();
    expect(shopify).not.toMatch(/"first_name":"Augusta"/);
    expect(output).toContain('--fresh');
  }, 120_000);
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out. Output so far:\n${context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
