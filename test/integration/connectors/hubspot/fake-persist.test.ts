import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHubspotFake, type HubspotFake } from '../../../../connectors/hubspot/fake/server';

/** `npm start` keeps the HubSpot sandbox on disk: a restart keeps contacts, history, ids and merges. */

const SECRETS = { accessToken: 'pat-na1-test-token', clientSecret: 'test-client-secret' };
const CLOCK = new Date('2025-03-01T12:00:00.000Z');

let folder: string;
let persistPath: string;
let fake: HubspotFake | undefined;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'omnihub-hubspot-fake-'));
  persistPath = path.join(folder, 'sandbox', 'hubspot.json');
});

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await rm(folder, { recursive: true, force: true });
});

function start(): Promise<HubspotFake> {
  return startHubspotFake({ ...SECRETS, seed: true, now: () => CLOCK, persistPath });
}

describe('HubSpot fake persistence (persistPath)', () => {
  it('keeps contacts, their history, the merges and the id counter across a restart, without seeding again', async () => {
    // Prepare
    fake = await start();
    fake.admin.updateContact('53', { lastname: 'Winston' });
    fake.admin.mergeContacts('51', '52');
    await fake.close();

    // Act
    fake = await start();

    // Assess
    expect(fake.admin.listContacts().map((contact) => contact.id)).toEqual(['53', '54']);
    expect(fake.admin.getContact('51')?.id).toBe('54');
    expect(fake.admin.getContact('54')?.properties.hs_merged_object_ids).toBe('51;52');
    expect(fake.state.get('53')?.history.get('lastname')?.map((entry) => entry.value)).toEqual(['Winston', 'Jackson']);
    expect(fake.admin.createContact({ email: 'dorothy@example.com' }).id).toBe('55');
  });

  it('saves after a change while still running (a crash loses at most the debounce)', async () => {
    // Prepare
    fake = await start();

    // Act
    fake.admin.createContact({ email: 'katherine@example.com' });
    const saved = await vi.waitFor(
      async () => {
        const json: unknown = JSON.parse(await readFile(persistPath, 'utf8'));
        return json;
      },
      { timeout: 5000, interval: 50 },
    );

    // Assess
    expect(saved).toMatchObject({ nextId: 55, contacts: expect.arrayContaining([expect.objectContaining({ id: '54', properties: { email: 'katherine@example.com' } })]) });
  });

  it('refuses a file that is not a saved portal, naming the file and what to do', async () => {
    // Prepare
    await writeFile(path.join(folder, 'broken.json'), '{"contacts": 3}');
    persistPath = path.join(folder, 'broken.json');

    // Act
    const failure = start().then(
      () => 'started',
      (error: unknown) => String(error),
    );

    // Assess
    expect(await failure).toMatch(/broken\.json is not a saved sandbox portal .*--fresh/);
  });
});
