import { describe, expect, it } from 'vitest';
import { asObservable, type ShopifyChange } from '../../chaos/sightings';
import type { TruthEdit } from '../../chaos/model';

const R = '7065055069303700004';
const gid = `gid://shopify/Customer/${R}`;
const edit: TruthEdit = { person: 'p1', system: 'shopify', field: 'lastName', value: 'Novak', at: 28_000, seq: 1, externalId: R, madeAt: 28_100, madeUntil: 28_102, unseen: true };
const own: ShopifyChange = { externalId: R, at: 28_101, updatedAt: 28_000, fields: ['lastName'], addressParts: [] };
const read = (at: number) => ({ method: 'POST', path: '/admin/api/2025-10/graphql.json', status: 200, at, body: { query: 'query OmnihubReadCustomer($id: ID!) { customer }', variables: { id: gid } } });

describe('the drop phase scores what an observer of Shopify could know (test/chaos/sightings.ts)', () => {
  it('drops an edit whose webhooks never came and that a write of ours overwrote before any read', () => {
    const ours: ShopifyChange = { externalId: R, at: 28_600, updatedAt: 28_000, fields: ['lastName'], addressParts: [] };
    expect(asObservable([edit], { changes: [own, ours], requests: [read(27_988), read(40_000)], deliveries: [] })).toEqual([]);
  });

  it('keeps one a read saw first, dated by the record’s updated_at at that read (a later change of another field moved it on)', () => {
    const other: ShopifyChange = { externalId: R, at: 31_200, updatedAt: 31_000, fields: ['phone'], addressParts: [] };
    const ours: ShopifyChange = { externalId: R, at: 35_000, updatedAt: 35_000, fields: ['lastName'], addressParts: [] };
    expect(asObservable([edit], { changes: [own, other, ours], requests: [read(32_000)], deliveries: [] })).toEqual([{ ...edit, at: 31_000 }]);
  });

  it('takes the changes its own call committed as one (a customer and its address are committed apart)', () => {
    const address: ShopifyChange = { ...own, at: 28_102, fields: ['address'], addressParts: [0] };
    expect(asObservable([{ ...edit, field: 'address' }], { changes: [own, address], requests: [read(29_000)], deliveries: [] })).toEqual([{ ...edit, field: 'address' }]);
  });

  it('keeps the address parts a later edit of other parts left in view, and only those', () => {
    // Prepare: the unseen edit set the street and the city; a later edit (its webhook delivered) changed the street again
    const moved: TruthEdit = { ...edit, field: 'address', value: '53 Main St|Fairview|11961|US', before: '8 Main St|Riverton|11961|US' };
    const street: ShopifyChange = { externalId: R, at: 29_000, updatedAt: 29_000, fields: ['address'], addressParts: [0] };
    const webhook = { url: 'http://hub', status: 200, attempt: 0, copy: 'original' as const, at: 30_000, body: `{"id":${R},"updated_at":"1970-01-01T00:00:29Z"}` };
    const observable = asObservable([moved], { changes: [{ ...own, fields: ['address'], addressParts: [0, 1] }, street], requests: [], deliveries: [webhook] });
    // Assess: the city it set is seen (timed by the sighting); the street it set is not
    expect(observable).toEqual([{ ...moved, at: 29_000, before: '53 Main St|Riverton|11961|US' }]);
  });

  it('leaves every edit whose webhook was delivered as it was made', () => {
    const seen = { ...edit, unseen: undefined };
    expect(asObservable([seen], { changes: [own], requests: [], deliveries: [] })).toEqual([seen]);
  });
});
