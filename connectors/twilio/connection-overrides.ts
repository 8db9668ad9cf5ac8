/**
 * The connection overrides omnihub asks Twilio for, in the fragment of the webhook URL the shop
 * registers and of every status callback it sends (twilio.com/docs/usage/webhooks/webhooks-connection-overrides).
 * Twilio's default is one retry, and only when the connection fails: an inbound message answered
 * 500 (the receiver could not put it on the bus, so it remembered nothing) would be lost, as Twilio
 * has nothing to read a missed message back from. `rc=3&rp=ct,rt,5xx` retries it up to three times
 * on a failed connect, a read timeout or a 5xx, never on a 4xx (a bad signature stays refused).
 * A retry is harmless: the receiver drops a MessageSid it has seen. The fragment is never
 * requested; the receiver accepts a signature over the URL with or without it (signature.ts).
 */
export const TWILIO_CONNECTION_OVERRIDES = 'rc=3&rp=ct,rt,5xx';
