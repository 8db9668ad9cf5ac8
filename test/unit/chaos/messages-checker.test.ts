import { describe, expect, it } from 'vitest';
import { checkMessages, type MessageWorld } from '../../chaos/messages';
import type { GroundTruth, Snapshot } from '../../chaos/model';

/**
 * The messages' checker must be able to fail: a small hand-made world where Ann texted the shop
 * (and replied STOP) and Bob texted before any record of his existed, first converged, then with
 * a message lost, one placed with the wrong customer, a copy made twice or on another person's
 * contact, and a STOP undone by a default.
 */

const ANN = '+12125550101';
const BOB = '+12125550102';

function aWorld(): { truth: GroundTruth; snapshot: Snapshot; world: MessageWorld } {
  const truth: GroundTruth = {
    people: [
      { id: 'ann', email: 'ann@example.com' },
      { id: 'bob', email: 'bob@example.com' },
    ],
    records: [
      { system: 'shopify', externalId: '101', person: 'ann', gone: false, deliberateDuplicate: false },
      // Bob completed the Shopify customer omnihub made for his phone.
      { system: 'shopify', externalId: '102', person: 'bob', gone: false, deliberateDuplicate: false },
    ],
    edits: [],
    unholdable: [],
    forgedValues: [],
    messages: [
      { sid: 'SM1', person: 'ann', phone: ANN, channel: 'whatsapp', stop: false, beforeAnyRecord: false, at: 1 },
      { sid: 'SM2', person: 'ann', phone: ANN, channel: 'sms', stop: true, beforeAnyRecord: false, at: 2 },
      { sid: 'SM3', person: 'bob', phone: BOB, channel: 'sms', stop: false, beforeAnyRecord: true, at: 3 },
    ],
  };
  const values = (email: string, phone: string) => ({ email, phone, firstName: null, lastName: null, address: null });
  const snapshot: Snapshot = {
    records: [
      { system: 'shopify', externalId: '101', values: values('ann@example.com', ANN) },
      { system: 'shopify', externalId: '102', values: values('bob@example.com', BOB) },
      // made by omnihub: attributed by email
      { system: 'hubspot', externalId: '51', values: values('ann@example.com', ANN) },
      { system: 'hubspot', externalId: '52', values: values('bob@example.com', BOB) },
      { system: 'klaviyo', externalId: 'K1', values: values('ann@example.com', ANN) },
      { system: 'klaviyo', externalId: 'K2', values: values('bob@example.com', BOB) },
    ],
    customers: [
      { id: 'c1', values: values('ann@example.com', ANN), links: [{ system: 'shopify', externalId: '101' }, { system: 'hubspot', externalId: '51' }, { system: 'klaviyo', externalId: 'K1' }] },
      { id: 'c2', values: values('bob@example.com', BOB), links: [{ system: 'shopify', externalId: '102' }, { system: 'hubspot', externalId: '52' }, { system: 'klaviyo', externalId: 'K2' }] },
    ],
  };
  const world: MessageWorld = {
    table: [
      { pk: 'CUST#c1', sk: 'CUSTOMER', customer: { fields: { smsConsent: { value: 'unsubscribed', source: 'twilio' } } } },
      { pk: 'CUST#c2', sk: 'CUSTOMER', customer: { fields: {} } },
      { pk: 'MSG#twilio#SM1', sk: 'MESSAGE', customerId: 'c1', message: { direction: 'inbound' } },
      { pk: 'MSG#twilio#SM2', sk: 'MESSAGE', customerId: 'c1', message: { direction: 'inbound' } },
      { pk: 'MSG#twilio#SM3', sk: 'MESSAGE', customerId: 'c2', message: { direction: 'inbound' } },
    ],
    communications: [
      { id: 'x1', key: 'twilio:SM1', contactIds: ['51'] },
      { id: 'x2', key: 'twilio:SM2', contactIds: ['51'] },
      { id: 'x3', key: 'twilio:SM3', contactIds: ['52'] },
    ],
    events: [
      { uniqueId: 'twilio:SM1', profileId: 'K1' },
      { uniqueId: 'twilio:SM2', profileId: 'K1' },
      { uniqueId: 'twilio:SM3', profileId: 'K2' },
    ],
    smsConsent: {
      shopify: new Map([
        ['101', 'unsubscribed'],
        ['102', 'not_subscribed'],
      ]),
      klaviyo: new Map([
        ['K1', 'UNSUBSCRIBED'],
        ['K2', 'NEVER_SUBSCRIBED'],
      ]),
    },
  };
  return { truth, snapshot, world };
}

describe('the chaos run’s messages checker', () => {
  it('finds nothing in a converged world', () => {
    const { truth, snapshot, world } = aWorld();
    expect(checkMessages(truth, snapshot, world).findings).toEqual([]);
  });

  it('counts a lost message, one with the wrong customer, and one nobody sent', () => {
    const { truth, snapshot, world } = aWorld();
    const table = world.table.filter((item) => item.pk !== 'MSG#twilio#SM1').map((item) => (item.pk === 'MSG#twilio#SM3' ? { ...item, customerId: 'c1' } : item));
    table.push({ pk: 'MSG#twilio#SM9', sk: 'MESSAGE', customerId: 'c2', message: { direction: 'inbound' } });
    const { counts } = checkMessages(truth, snapshot, { ...world, table });
    expect(counts).toMatchObject({ messagesNotRecorded: 1, messagesMisplaced: 1, messagesUnexpected: 1 });
  });

  it('counts a copy missing, made twice, or on another person’s record', () => {
    const { truth, snapshot, world } = aWorld();
    const communications = [...world.communications.filter((c) => c.id !== 'x1'), { id: 'x4', key: 'twilio:SM2', contactIds: ['51'] }];
    const events = world.events!.map((event) => (event.uniqueId === 'twilio:SM3' ? { ...event, profileId: 'K1' } : event));
    const { counts } = checkMessages(truth, snapshot, { ...world, communications, events });
    expect(counts).toMatchObject({ messageCopiesMissing: 1, messageCopiesDuplicated: 1, messageCopiesMisplaced: 1 });
  });

  it('counts a STOP a later default undid, wherever it shows', () => {
    const { truth, snapshot, world } = aWorld();
    const table = world.table.map((item) => (item.pk === 'CUST#c1' ? { ...item, customer: { fields: { smsConsent: { value: 'not_subscribed', source: 'shopify' } } } } : item));
    const smsConsent = { ...world.smsConsent, shopify: new Map([['101', 'not_subscribed']]) };
    const { counts, findings } = checkMessages(truth, snapshot, { ...world, table, smsConsent });
    expect(counts.stopsNotHonoured).toBe(1);
    expect(findings[0]!.detail).toContain('golden c1');
    expect(findings[0]!.detail).toContain('shopify 101');
  });
});
