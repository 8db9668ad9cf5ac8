import type { FakeResponse } from '../../testing/fake-http';

/**
 * Twilio's REST error body, exactly: `{"code","message","more_info","status"}` in that order,
 * `more_info` being https://www.twilio.com/docs/errors/<code>. twilio-node turns it into a
 * RestException {status, code, message, moreInfo, details} (lib/base/RestException.js; a body
 * with RFC 9457 `type`/`title` would become a TwilioServiceException instead, lib/base/Version.js,
 * which the v2010 API does not send). Wording, from real answers where one was found:
 * - 20003 "Authenticate", 401 (twilio-node RestException dumps in twilio/twilio-video-app-react
 *   issues #841 (2024) and #246; twilio-python #42), with `WWW-Authenticate: Basic realm="Twilio API"` (chosen).
 * - 20404 "The requested resource /2010-04-01/... was not found" (twilio/twilio-csharp#790).
 * - 20429 "Too Many Requests" (saas-api-facts.md §6.5).
 * - 21211 "The 'To' number <To> is not a valid phone number." echoing To as sent
 *   (twilio/twilio-php#399, #665; twilio/twilio-node#341).
 * - 21212 "The 'From' number <From> is not a valid phone number, shortcode, or alphanumeric
 *   sender ID." (twilio/twilio-ruby#348).
 * - 21606 "The From phone number <From> is not a valid, SMS-capable inbound phone number or short
 *   code for your account." (laravel-notification-channels/twilio#100).
 * - 63007 "Twilio could not find a Channel with the specified From address" for a WhatsApp From
 *   that is not one of the account's senders (freescout-help-desk/freescout#3595, 2023).
 * - 21910 "From(<From>) and To(<To>) addresses should be of the same channel."
 *   (microsoft/botbuilder-dotnet#5569).
 * - 21619 "A text message body or media urls must be specified." when none of Body, MediaUrl,
 *   ContentSid is sent (twilio/twilio-php#810, 2024); 21602 "Message body is required." when Body
 *   is sent empty (twilio/twilio-php#255; HomeMadePy/messages#20). 21604 is the code for a
 *   missing To ("A 'To' phone number is required.", chosen wording), which the SDK already
 *   refuses client-side.
 * - 21610 "Attempt to send to unsubscribed recipient" (the error's title at
 *   twilio.com/docs/errors/21610, quoted in SparkDevNetwork/Rock#5581 (2023) and GaloyMoney/blink#1129).
 * - 21620 "Media urls: <urls> are invalid. Please use only valid http and https urls"
 *   (politics-rewired/Spoke#312).
 * - 92005 "ContentSid Required" for ContentVariables without ContentSid (twilio.com/docs/api/errors/92005).
 * Chosen where no real answer was found (codes from Twilio's error dictionary, wording ours):
 * 21603 missing From, 21617 body over 1600 characters, 21609 bad StatusCallback, 21655 bad
 * ContentSid, 21656 bad ContentVariables, 21266 To equals From, 21701 unknown Messaging Service,
 * 21704 a service without a sender for the channel, 20500 / 20503 server failures.
 */
export interface TwilioError {
  status: number;
  code: number;
  message: string;
}

export function respond(error: TwilioError, headers: Record<string, string> = {}): FakeResponse {
  return {
    status: error.status,
    body: { code: error.code, message: error.message, more_info: `https://www.twilio.com/docs/errors/${error.code}`, status: error.status },
    headers,
  };
}

const error = (status: number, code: number, message: string): TwilioError => ({ status, code, message });

export const twilioErrors = {
  authenticate: () => error(401, 20003, 'Authenticate'),
  notFound: (path: string) => error(404, 20404, `The requested resource ${path} was not found`),
  tooManyRequests: () => error(429, 20429, 'Too Many Requests'),
  internal: () => error(500, 20500, 'An internal server error has occurred'),
  unavailable: () => error(503, 20503, 'Service is unavailable. Please try again'),
  toRequired: () => error(400, 21604, "A 'To' phone number is required."),
  invalidTo: (to: string) => error(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  fromRequired: () => error(400, 21603, "A 'From' phone number is required."),
  invalidFrom: (from: string) => error(400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`),
  fromNotOwned: (from: string) => error(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`),
  noWhatsAppChannel: () => error(400, 63007, 'Twilio could not find a Channel with the specified From address'),
  channelMismatch: (from: string, to: string) => error(400, 21910, `From(${from}) and To(${to}) addresses should be of the same channel.`),
  sameToAndFrom: () => error(400, 21266, "'To' and 'From' number cannot be the same"),
  contentRequired: () => error(400, 21619, 'A text message body or media urls must be specified.'),
  bodyRequired: () => error(400, 21602, 'Message body is required.'),
  bodyTooLong: () => error(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'),
  invalidMediaUrl: (urls: string) => error(400, 21620, `Media urls: ${urls} are invalid. Please use only valid http and https urls`),
  invalidStatusCallback: (url: string) => error(400, 21609, `The StatusCallback URL ${url} is not a valid URL.`),
  invalidContentSid: () => error(400, 21655, 'The ContentSid is Invalid.'),
  invalidContentVariables: () => error(400, 21656, 'The ContentVariables Parameter is invalid.'),
  contentSidRequired: () => error(400, 92005, 'ContentSid Required'),
  unknownService: (sid: string) => error(400, 21701, `The Messaging Service Sid ${sid} is invalid.`),
  serviceWithoutSender: () => error(400, 21704, 'The Messaging Service contains no phone numbers'),
  unsubscribed: () => error(400, 21610, 'Attempt to send to unsubscribed recipient'),
};

/**
 * What a failed or undelivered message's `error_message` says (the errors' titles in Twilio's
 * dictionary; the SDK: "The value returned in this field ... is subject to change").
 */
export const ERROR_TITLES: Record<number, string> = {
  21610: 'Attempt to send to unsubscribed recipient',
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
  63016: 'Outside messaging window. For WhatsApp, use a Message Template instead',
};

export function errorTitle(code: number | null): string | null {
  if (code === null) return null;
  return ERROR_TITLES[code] ?? 'Unknown error';
}
