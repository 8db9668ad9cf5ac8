import type { StartSandbox } from '../descriptor';
import { startTwilioFake } from './fake/server';

const SANDBOX_SMS = '+15005550006';
const SANDBOX_WHATSAPP = '+14155238886';

/**
 * `npm start` without Twilio credentials: the fake account (Programmable Messaging), seeded, with
 * a known Account SID and Auth Token; its inbound messages are signed and sent to the hub.
 */
export const startTwilioSandbox: StartSandbox = async ({ port, seed, now, persistPath }) => {
  const secret = { accountSid: `AC${'5a'.repeat(16)}`, authToken: '5a'.repeat(16) };
  const fake = await startTwilioFake({ port, seed, now, persistPath, ...secret, senders: [SANDBOX_SMS, `whatsapp:${SANDBOX_WHATSAPP}`] });
  return {
    baseUrl: fake.baseUrl,
    secret,
    webhookSecret: { authToken: secret.authToken },
    config: { smsFrom: SANDBOX_SMS, whatsappFrom: SANDBOX_WHATSAPP },
    setWebhookUrl: (url) => fake.setWebhookUrl(url),
    idle: () => fake.idle(),
    close: () => fake.close(),
    help: () => [
      `text the shop:  curl -X POST ${fake.baseUrl}/_sandbox/inbound -H 'content-type: application/json' -d '{"from":"+12125550147","body":"Is the blue mug in stock?"}'`,
      `by WhatsApp:    curl -X POST ${fake.baseUrl}/_sandbox/inbound -H 'content-type: application/json' -d '{"from":"whatsapp:+12125550147","to":"whatsapp:${SANDBOX_WHATSAPP}","body":"Hi!","profileName":"Mae"}'`,
      `messages: curl ${fake.baseUrl}/_sandbox/messages      opt-outs: curl ${fake.baseUrl}/_sandbox/opt-outs`,
    ],
  };
};
