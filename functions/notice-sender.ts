import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadNoticeConnector } from '../connectors/notices';
import { descriptorOf } from '../connectors/registry';
import { OmnihubError } from '../core/errors';
import type { OrderStatusChanged } from '../core/events';
import { messageObservation, OPTED_OUT_ON_SEND } from '../core/messages/phone-observation';
import { messageKey, type Message } from '../core/model/message';
import { parseOrderKey } from '../core/model/order';
import type { HeldNotice } from '../core/notices/notice-store';
import { noticeRecipient, renderNotice, templateFor } from '../core/notices/pickup-notice';
import type { SendRequest } from '../core/notices/ports';
import * as z from '../core/schema';
import type { CountryCode } from '../core/model/normalize';
import { createDocumentClient } from './lib/adapters/dynamodb';
import { DynamoDbIdentityStore } from './lib/adapters/dynamodb-identity-store';
import { DynamoDbMessageStore } from './lib/adapters/dynamodb-message-store';
import { DynamoDbNoticeStore } from './lib/adapters/dynamodb-notice-store';
import { DynamoDbOrderStore } from './lib/adapters/dynamodb-order-store';
import { EventPublisher } from './lib/adapters/event-publisher';
import { ParkingLot } from './lib/adapters/parking-lot';
import { SecretStore } from './lib/adapters/secrets';
import { NoticeSenderEnvSchema, parseEnv } from './lib/env';
import { asLogSink, createLogger } from './lib/logger';
import { processQueueBatch } from './lib/sqs-batch';

/**
 * OrderStatusChanged (to ready_for_pickup) → the pickup notice, once (docs/identity.md §12):
 * claim `NOTICE#<eventId>` → her phone and consent → the template → send through the connector
 * (CONNECTOR_ID, Twilio) → record the sent notice as her outbound message (§11: copied to her
 * timeline; its status callbacks move it) → settle the claim. After a crash between the send and
 * the settle, the vendor's message list tells whether it was taken: never a second text.
 */
const env = parseEnv(NoticeSenderEnvSchema);
const connector = await loadNoticeConnector(env.CONNECTOR_ID);
const manifest = descriptorOf(env.CONNECTOR_ID)?.manifest;
if (!connector || !manifest) throw new Error(`CONNECTOR_ID "${env.CONNECTOR_ID}" is not a connector that sends notices`);
const logger = createLogger(`notices-${env.CONNECTOR_ID}`);
const log = asLogSink(logger);
const db = createDocumentClient();
const identity = new DynamoDbIdentityStore(db, env.TABLE_NAME);
const orders = new DynamoDbOrderStore(db, env.TABLE_NAME);
const messages = new DynamoDbMessageStore(db, env.TABLE_NAME);
const notices = new DynamoDbNoticeStore(db, env.TABLE_NAME);
const publisher = new EventPublisher(env.EVENT_BUS_NAME);
const parking = new ParkingLot(db, env.TABLE_NAME, { retentionDays: env.PARKED_RETENTION_DAYS });
const secrets = new SecretStore();

/** The notice settings every messaging connector's config carries (connectors/twilio/manifest.ts `notices`). */
const NoticeSettingsSchema = z.object({
  notices: z.optional(z.object({ storeName: z.string(), channel: z.enum(['sms', 'whatsapp']), readyForPickup: z.record(z.string(), z.string()) })),
});
const config = z.parse(manifest.configSchema, env.CONNECTOR_CONFIG);
const settings = z.parse(NoticeSettingsSchema, config).notices;
let sender: { secretJson: string; client: ReturnType<typeof connector.createSender> } | undefined;

async function getSender() {
  const secret = await secrets.get(env.CONNECTOR_SECRET, manifest!.secretSchema, `omnihub/${env.CONNECTOR_ID}`);
  const secretJson = JSON.stringify(secret);
  if (sender?.secretJson !== secretJson) {
    const options = { config, secret, mapping: { defaultCountry: env.DEFAULT_COUNTRY as CountryCode }, baseUrl: env.CONNECTOR_BASE_URL, log, statusCallback: env.STATUS_CALLBACK_URL };
    sender = { secretJson, client: connector!.createSender(options) };
  }
  return sender.client;
}

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  logger.appendKeys({ awsRequestId: context?.awsRequestId, connector: env.CONNECTOR_ID });
  return processQueueBatch(event.Records, { target: `notices-${env.CONNECTOR_ID}`, parking, log }, async (events) => {
    const failed = new Map<string, unknown>();
    for (const { record, event: busEvent } of events) {
      if (busEvent.type !== 'OrderStatusChanged' || busEvent.detail.to !== 'ready_for_pickup') continue;
      try {
        await notify(busEvent.detail);
      } catch (error) {
        log.error('notice failed', { correlationId: busEvent.detail.correlationId, orderKey: busEvent.detail.orderKey, error });
        failed.set(record.messageId, error);
      }
    }
    return failed;
  });
}

async function notify(move: OrderStatusChanged) {
  const ctx = { correlationId: move.correlationId, orderKey: move.orderKey, eventId: move.eventId };
  if (!settings) return log.info('notice: none configured (connectors.twilio.notices)', ctx);
  if (!move.customerId) return log.info('notice: the order has no known customer; none sent', ctx);
  const now = new Date().toISOString();
  const claim = await notices.claim(move.eventId, now);
  if (!claim.claimed && claim.held.state !== 'claimed') return log.info(`notice: already ${claim.held.state}`, ctx);

  const [customer, held] = await Promise.all([identity.getCustomer(move.customerId), orders.getOrder(parseOrderKey(move.orderKey))]);
  if (!held) throw new Error('the order is not recorded (yet)');
  const recipient = customer ? noticeRecipient(customer) : ({ kind: 'none', reason: 'no phone' } as const);
  if (recipient.kind === 'none') {
    // Klaviyo's Ready for Pickup event of the order is the email path (§12).
    await notices.settle(move.eventId, { state: 'skipped', reason: recipient.reason });
    return log.info('notice: not texted; the email flow on Ready for Pickup tells her', { ...ctx, reason: recipient.reason });
  }
  const request: SendRequest = {
    to: recipient.to,
    channel: settings.channel,
    body: renderNotice(templateFor(settings.readyForPickup, held.order.locale), {
      storeName: settings.storeName,
      orderName: held.order.name,
      location: move.location?.name ?? held.order.pickup.location?.name ?? settings.storeName,
      firstName: customer?.fields.firstName?.value ?? '',
    }),
  };
  const client = await getSender();
  // A claim without an outcome: an earlier attempt crashed or failed after it. Twilio's list says whether it took the send.
  const sentBefore = claim.claimed ? undefined : await client.findSent(request, (claim.held as HeldNotice).claimedAt);
  const outcome = sentBefore ? { kind: 'accepted' as const, ...sentBefore } : await client.send(request);

  if (outcome.kind === 'accepted') {
    const message: Message = {
      origin: { system: env.CONNECTOR_ID, externalId: outcome.sid },
      channel: request.channel,
      direction: 'outbound',
      customerAddress: request.to,
      shopAddress: outcome.from ?? client.shopAddress(request.channel) ?? request.to,
      body: request.body,
      mediaCount: 0,
      at: outcome.at,
      status: outcome.status,
      notice: { kind: 'ready_for_pickup', orderKey: move.orderKey, orderName: held.order.name },
    };
    const recorded = await messages.recordMessage(message, move.customerId);
    await notices.settle(move.eventId, { state: 'sent', sid: outcome.sid });
    if (env.MESSAGE_COPY_IDS.length > 0) {
      await publisher.publish([{ type: 'MessageLogged', detail: { schemaVersion: 1, correlationId: move.correlationId, messageKey: messageKey(message.origin), customerId: move.customerId, systems: env.MESSAGE_COPY_IDS } }]);
    }
    return log.info('notice: sent', { ...ctx, sid: outcome.sid, channel: request.channel, found: sentBefore !== undefined, recorded });
  }
  if (outcome.kind === 'opted-out') {
    // She replied STOP to this sender: an explicit SMS unsubscribe (§10, §11), and the email path tells her.
    await notices.settle(move.eventId, { state: 'skipped', reason: `opted out (${outcome.code})` });
    if (request.channel === 'sms') {
      const observation = messageObservation({ origin: { system: env.CONNECTOR_ID, externalId: '' }, customerAddress: request.to, at: now }, 'unsubscribed', OPTED_OUT_ON_SEND);
      await publisher.publish([{ type: 'CustomerObserved', detail: { schemaVersion: 1, correlationId: move.correlationId, observation } }]);
    }
    return log.info('notice: the customer opted out of texts; not sent', { ...ctx, code: outcome.code });
  }
  // Twilio's wording can quote the number ("The 'To' number +1… is not a valid phone number"): kept without it.
  const reason = outcome.reason.replace(/\+?\d[\d ()-]{5,}\d/g, '<number>');
  await notices.settle(move.eventId, { state: 'refused', code: outcome.code, reason });
  // Visible: parked with the vendor's reason (never the phone), alarmed in AWS.
  throw new OmnihubError('NOTICE.REFUSED', `pickup notice refused by ${manifest!.displayName}: ${outcome.code} ${reason}`, { retryable: false, metadata: { code: outcome.code } });
}
