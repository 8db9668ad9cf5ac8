import type { NoticeConnector } from '../connector';
import type { TwilioConfig, TwilioSecret } from './manifest';
import { createTwilioSender } from './sender';

/** Twilio's notice side: the SDK's Create Message and message list (sender.ts). */
export const twilioNotices: NoticeConnector<TwilioConfig, TwilioSecret> = {
  createSender: ({ config, secret, baseUrl, log, statusCallback }) => createTwilioSender({ config, secret, baseUrl, log, statusCallback }),
};
