import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ParkingLot } from '../../functions/lib/adapters/parking-lot';
import { root } from '../support/pipeline';
import { aFreshTable } from '../support/identity-table';

const run = promisify(execFile);

/** `npx omnihub parked`: what an operator sees of events that hold customer data. */
describe('npx omnihub parked', () => {
  let table: Awaited<ReturnType<typeof aFreshTable>>;
  let env: NodeJS.ProcessEnv;
  // Recent: DynamoDB Local removes expired items (TTL) as DynamoDB does.
  const parkedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000);
  const expiresAt = new Date(parkedAt.getTime() + 14 * 86_400_000);
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'bin/omnihub.ts', ...args, '--table', table.tableName], { cwd: root, env });

  beforeAll(async () => {
    // Prepare: a parked webhook event and a parked bus event, both full of personal data
    table = await aFreshTable();
    env = { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_DYNAMODB: table.endpoint };
    const parking = new ParkingLot(table.doc, table.tableName, { retentionDays: 14 });
    await parking.park({
      target: 'webhook-receiver',
      parkedAt: parkedAt.toISOString(),
      id: 'a1b2c3',
      code: 'WEBHOOK.UNUSABLE_EVENT',
      reason: 'phone: could not read "+1 (415) 555-0100" for grace.hopper@example.com',
      eventRef: '77',
      correlationId: 'corr-1',
      envelope: { connector: 'hubspot', event: { objectId: 'x', propertyName: 'email', propertyValue: 'grace.hopper@example.com' } },
    });
    await parking.park({
      target: 'sync-hubspot',
      parkedAt: parkedAt.toISOString(),
      id: 'msg-1',
      code: 'CONNECTOR.HUBSPOT.400',
      reason: 'HubSpot refused the contact',
      envelope: { 'detail-type': 'CustomerObserved', detail: { observation: { email: 'Ada.Lovelace@Example.com', phone: '+14155550123', externalId: '51' } } },
    });
  });

  it('prints each parked event with its id, code, reason and expiry, and no email or phone in clear', async () => {
    // Act
    const { stdout } = await cli('parked', 'webhook-receiver');
    // Assess
    expect(stdout.trim()).toBe(
      `${parkedAt.toISOString()}#a1b2c3  WEBHOOK.UNUSABLE_EVENT  phone: could not read "[phone]" for [email]  expires ${expiresAt.toISOString()}`,
    );
  });

  it('masks emails and phones in the --json output too, keeping ids readable', async () => {
    // Act
    const [receiver, sync] = await Promise.all([cli('parked', 'webhook-receiver', '--json'), cli('parked', 'sync-hubspot', '--json')]);
    // Assess
    for (const { stdout } of [receiver, sync]) {
      expect(stdout).not.toMatch(/grace\.hopper|lovelace|555-0100|4155550123/i);
      expect(stdout).toContain('[email]');
    }
    expect(sync.stdout).toContain('[phone]');
    expect(JSON.parse(sync.stdout)).toMatchObject([{ id: 'msg-1', envelope: { detail: { observation: { externalId: '51' } } } }]);
  });

  it('refuses to replay a vendor event the receiver parked: it is not a bus event', async () => {
    // Act
    const replay = cli('replay', 'webhook-receiver', `${parkedAt.toISOString()}#a1b2c3`);
    // Assess
    await expect(replay).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('cannot be replayed') });
    expect(await new ParkingLot(table.doc, table.tableName).list('webhook-receiver')).toHaveLength(1);
  });
});
