import { ConnectorError } from '../../core/errors';
import { orderKey, type Order } from '../../core/model/order';
import type { OrderProjectionTarget, ProjectionOutcome } from '../../core/orders/ports';
import type { ClientOptions } from '../connector';
import { createCaller, failureError } from './calls';
import { unreadable } from './failures';
import type { HubspotConfig, HubspotSecret } from './manifest';
import {
  LINE_ITEM_PROPERTIES,
  LINE_KEY_PROPERTY,
  ORDER_KEY_PROPERTY,
  ORDER_PROPERTIES,
  ORDER_TO_CONTACT,
  ORDER_TO_LINE_ITEM,
  lineItemProperties,
  orderProperties,
} from './order-mapping';
import { ensureProperties, once } from './property-setup';
import { HubspotAssociationsPageSchema, HubspotUpsertResponseSchema } from './schemas';
import { associationsApis } from './associations-sdk';
import { objectsApis } from './objects-sdk';
import { propertiesApis } from './properties-sdk';

const ORDER = 'order';
const LINE_ITEMS = 'line_items';
const CONTACTS = 'contacts';
/** HubSpot's batch endpoints take at most 100 inputs. */
const BATCH_SIZE = 100;
const SCOPES = 'crm.objects.orders.read/write, crm.objects.line_items.read/write, crm.schemas.orders.write, crm.schemas.line_items.write';

/**
 * The HubSpot OrderProjectionTarget: each order placed elsewhere becomes one commerce order
 * (`0-123`) with its line items, associated with the buyer's contact.
 *
 * A copy is made exactly once (facts §3.4): HubSpot has no idempotency keys and its search lags
 * writes, so "search, then create" would make a second copy after a crash between the create
 * and our record. Instead every write is a batch upsert keyed by a unique property omnihub
 * creates (`omnihub_order_key`, `omnihub_line_key`): HubSpot itself finds the copy by that key,
 * with no lag, or creates it. https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-upsert
 */
export function createHubspotOrderTarget(options: ClientOptions<HubspotConfig, HubspotSecret>): OrderProjectionTarget {
  const { log } = options;
  const { accessToken } = options.secret;
  const apis = { objects: objectsApis(accessToken, options.baseUrl), associations: associationsApis(accessToken, options.baseUrl), properties: propertiesApis(accessToken, options.baseUrl) };
  const caller = createCaller(log, SCOPES);
  const ensureSchema = once(async () => {
    await ensureProperties(caller, apis, ORDER_PROPERTIES, SCOPES, log);
    await ensureProperties(caller, apis, LINE_ITEM_PROPERTIES, SCOPES, log);
  });

  /** POST /crm/v3/objects/{type}/batch/upsert, in batches; the ids by key. */
  async function upsert(type: string, keyProperty: string, inputs: Array<{ key: string; properties: Record<string, string> }>): Promise<Map<string, { id: string; created: boolean }>> {
    const byKey = new Map<string, { id: string; created: boolean }>();
    for (let start = 0; start < inputs.length; start += BATCH_SIZE) {
      const chunk = inputs.slice(start, start + BATCH_SIZE);
      const response = await caller.run(`upsert ${type}`, () =>
        apis.objects.batchApi.upsert(type, { inputs: chunk.map(({ key, properties }) => ({ id: key, idProperty: keyProperty, properties })) }),
      );
      const parsed = HubspotUpsertResponseSchema.safeParse(response);
      if (!parsed.success) throw unreadable(`upsert ${type}`, parsed.error.issues);
      // Results are not promised in input order: each names its key in the properties it holds.
      for (const result of parsed.data.results) {
        const key = result.properties[keyProperty];
        if (key) byKey.set(key, { id: result.id, created: result._new });
      }
    }
    const missing = inputs.filter(({ key }) => !byKey.has(key)).length;
    if (missing > 0) throw new ConnectorError('hubspot', undefined, `HubSpot upsert ${type}: ${missing} input(s) came back without a record`, { retryable: true, metadata: { operation: `upsert ${type}` } });
    return byKey;
  }

  /** GET /crm/v4/objects/order/{id}/associations/{to}: every associated id, page by page. */
  async function associated(orderId: string, to: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const page = await caller.run(`read order associations`, () => apis.associations.basicApi.getPage(ORDER, orderId, to, after, 500));
      const parsed = HubspotAssociationsPageSchema.safeParse(page);
      if (!parsed.success) throw unreadable('read order associations', parsed.error.issues);
      ids.push(...parsed.data.results.map((result) => String(result.toObjectId)));
      after = parsed.data.paging?.next?.after;
    } while (after);
    return ids;
  }

  async function associateLineItems(orderId: string, lineItemIds: string[]): Promise<void> {
    for (let start = 0; start < lineItemIds.length; start += BATCH_SIZE) {
      const chunk = lineItemIds.slice(start, start + BATCH_SIZE);
      // POST /crm/v4/associations/order/line_items/batch/create: associating again is a no-op.
      await caller.run('associate line items', () =>
        apis.associations.batchApi.create(ORDER, LINE_ITEMS, {
          inputs: chunk.map((id) => ({ _from: { id: orderId }, to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: ORDER_TO_LINE_ITEM }] })),
        }),
      );
    }
  }

  async function archiveLineItems(ids: string[]): Promise<void> {
    for (let start = 0; start < ids.length; start += BATCH_SIZE) {
      const chunk = ids.slice(start, start + BATCH_SIZE);
      // POST /crm/v3/objects/line_items/batch/archive
      await caller.run('archive line items', () => apis.objects.batchApi.archive(LINE_ITEMS, { inputs: chunk.map((id) => ({ id })) }));
    }
  }

  /** The buyer's contact, and no other: a buyer resolved anew (e.g. after a merge) replaces the old association. */
  async function associateBuyer(orderId: string, contactId: string, isNew: boolean): Promise<void> {
    const current = isNew ? [] : await associated(orderId, CONTACTS);
    if (!current.includes(contactId)) {
      // PUT /crm/v4/objects/order/{orderId}/associations/contacts/{contactId}
      const result = await caller.attempt('associate buyer', () =>
        apis.associations.basicApi.create(ORDER, orderId, CONTACTS, contactId, [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: ORDER_TO_CONTACT }]),
      );
      if (!result.ok) {
        // 400 "One or more associations are invalid": the contact is gone (deleted or merged away).
        if (result.failure.status === 400) {
          throw new ConnectorError('hubspot', 400, 'HubSpot associate buyer: the buyer contact does not exist in HubSpot (deleted or merged); the order copy is written, its buyer association is not', {
            retryable: false,
            metadata: { operation: 'associate buyer', orderId, contactId, category: result.failure.body.category ?? 'VALIDATION_ERROR' },
          });
        }
        throw failureError(result.failure, 'associate buyer', SCOPES);
      }
    }
    for (const other of current.filter((id) => id !== contactId)) {
      // DELETE /crm/v4/objects/order/{orderId}/associations/contacts/{contactId}
      await caller.run('remove old buyer association', () => apis.associations.basicApi.archive(ORDER, orderId, CONTACTS, other));
    }
  }

  return {
    async projectOrder(order: Order, { copyId, buyerRecordId }): Promise<ProjectionOutcome> {
      await ensureSchema();
      const key = orderKey(order.origin);
      const upserted = (await upsert(ORDER, ORDER_KEY_PROPERTY, [{ key, properties: orderProperties(order) }])).get(key)!;
      const orderId = upserted.id;

      const lines = order.lines.map((line) => ({ key: `${key}#${line.lineId}`, properties: lineItemProperties(order, line) }));
      const lineIds = [...(await upsert(LINE_ITEMS, LINE_KEY_PROPERTY, lines)).values()].map(({ id }) => id);
      const associatedLines = upserted.created ? [] : await associated(orderId, LINE_ITEMS);
      await associateLineItems(orderId, lineIds.filter((id) => !associatedLines.includes(id)));
      // A line the order no longer has (edited away at the origin) goes: a line item has one parent, this order.
      const removed = associatedLines.filter((id) => !lineIds.includes(id));
      if (removed.length > 0) await archiveLineItems(removed);
      if (buyerRecordId !== null) await associateBuyer(orderId, buyerRecordId, upserted.created);

      const outcome: ProjectionOutcome['outcome'] = upserted.created ? 'created' : copyId === null ? 'found-existing' : 'updated';
      if (copyId !== null && copyId !== orderId) log.warn('HubSpot order copy has a new id (the recorded copy was deleted in HubSpot)', { orderKey: key, copyId, newCopyId: orderId });
      log.debug('HubSpot order projected', { orderKey: key, copyId: orderId, outcome, lines: lineIds.length, archivedLines: removed.length });
      return { copyId: orderId, outcome };
    },
  };
}
