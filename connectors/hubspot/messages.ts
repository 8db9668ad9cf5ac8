import { ConnectorError } from '../../core/errors';
import { messageKey, type Message } from '../../core/model/message';
import type { MessageProjectionOutcome, MessageProjectionTarget } from '../../core/messages/ports';
import type { ClientOptions } from '../connector';
import { createCaller, failureError, type Caller } from './calls';
import type { Failure } from './failures';
import { unreadable } from './failures';
import type { HubspotConfig, HubspotSecret } from './manifest';
import { COMMUNICATIONS, COMMUNICATION_TO_CONTACT, MESSAGE_KEY_PROPERTY, MESSAGE_PROPERTIES, communicationProperties } from './message-mapping';
import { objectsApis, type ObjectsApis } from './objects-sdk';
import { ensureProperties, once } from './property-setup';
import { propertiesApis } from './properties-sdk';
import { HubspotObjectIdSchema } from './schemas';

/** The scopes the communications guide names (it lists the contacts scopes; none of its own for properties). */
const SCOPES = 'crm.objects.contacts.read/write (communications)';

/**
 * The HubSpot MessageProjectionTarget: each message becomes one communication on the customer's
 * contact timeline (docs/identity.md §11), created with its association to the contact in the
 * same call, so no copy is ever off the timeline.
 *
 * A copy is made exactly once without a search (which lags writes): every communication carries
 * the message key in a unique property (`omnihub_message_key`). After a crash between HubSpot's
 * create and our record of it, the repeat's create is refused for that value, and the first copy
 * is read by the key (GET …/communications/{key}?idProperty=…), which does not lag.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/communications/guide
 */
export function createHubspotMessageTarget(options: ClientOptions<HubspotConfig, HubspotSecret>): MessageProjectionTarget {
  const { log } = options;
  const { accessToken } = options.secret;
  const apis = { objects: objectsApis(accessToken, options.baseUrl), properties: propertiesApis(accessToken, options.baseUrl) };
  const caller = createCaller(log, SCOPES);
  const ensureSchema = once(() => ensureProperties(caller, apis, MESSAGE_PROPERTIES, SCOPES, log));

  return {
    async projectMessage(message: Message, { customerRecordId }): Promise<MessageProjectionOutcome> {
      await ensureSchema();
      const key = messageKey(message.origin);
      // POST /crm/v3/objects/communications with the contact association inline.
      const created = await caller.attempt('create communication', () =>
        apis.objects.basicApi.create(COMMUNICATIONS, {
          properties: communicationProperties(message),
          associations: [{ to: { id: customerRecordId }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: COMMUNICATION_TO_CONTACT }] }],
        }),
      );
      if (created.ok) {
        const copyId = idOf(created.value, 'create communication');
        log.debug('HubSpot communication created', { messageKey: key, copyId, channel: message.channel, direction: message.direction });
        return { copyId, outcome: 'created' };
      }
      // A refusal may be the key's unique value held by the first copy (its wording is not
      // relied on): the copy, if it is there, is the answer; if not, the refusal stands.
      if (created.failure.status === 400 || created.failure.status === 409) {
        const existing = await findByKey(caller, apis.objects, key);
        if (existing !== undefined) {
          log.info('HubSpot communication found by its message key (a repeat after a crash)', { messageKey: key, copyId: existing });
          return { copyId: existing, outcome: 'found-existing' };
        }
      }
      throw refusal(created.failure, customerRecordId);
    },
  };
}

/** GET /crm/v3/objects/communications/{key}?idProperty=omnihub_message_key: the copy's id, or undefined on a 404. */
async function findByKey(caller: Caller, objects: ObjectsApis, key: string): Promise<string | undefined> {
  const operation = 'read communication by message key';
  const read = await caller.attempt(operation, () => objects.basicApi.getById(COMMUNICATIONS, key, [MESSAGE_KEY_PROPERTY], undefined, undefined, false, MESSAGE_KEY_PROPERTY));
  if (read.ok) return idOf(read.value, operation);
  if (read.failure.status === 404) return undefined;
  throw failureError(read.failure, operation, SCOPES);
}

function idOf(value: unknown, operation: string): string {
  const parsed = HubspotObjectIdSchema.safeParse(value);
  if (!parsed.success) throw unreadable(operation, parsed.error.issues);
  return parsed.data.id;
}

/** The create's refusal as an actionable error: a contact that is gone is named as such. */
function refusal(failure: Failure, contactId: string): ConnectorError {
  if (failure.status === 400 && failure.body.message === 'One or more associations are invalid') {
    return new ConnectorError('hubspot', 400, 'HubSpot create communication: the customer\'s contact does not exist in HubSpot (deleted or merged); the message is not logged', {
      retryable: false,
      metadata: { operation: 'create communication', contactId, category: failure.body.category ?? 'VALIDATION_ERROR' },
    });
  }
  return failureError(failure, 'create communication', SCOPES);
}
