import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

/**
 * Points the real twilio@6.2.0 SDK at a local fake (connectors/twilio/fake) through the hook the
 * SDK supports for it: a custom HTTP client, `twilio(accountSid, authToken, { httpClient })`.
 *
 * Why this hook and nothing else:
 * - The SDK has no base-URL option. Each domain's URL is built in as `https://<product>.twilio.com`
 *   (api.twilio.com for the v2010 Messages API, messaging.twilio.com for Messaging Services).
 * - `edge` / `region` (and TWILIO_EDGE / TWILIO_REGION) only rewrite that hostname to
 *   `<product>.<edge>.<region>.twilio.com`, e.g. api.sydney.au1.twilio.com
 *   (lib/base/BaseTwilio.js `getHostname`): never to another host, scheme or port.
 * - BaseTwilio.request() hands every call, with its final absolute URI, to `this.httpClient`,
 *   which is `opts.httpClient` when given (lib/base/BaseTwilio.js `setOpts` / `request`), so a
 *   RequestClient subclass sees every request of every resource, paging included (Page.nextPage
 *   goes through the same client with `absoluteUrl(next_page_uri)`).
 * - Nothing is patched: no SDK internals are replaced (setting `client.api.baseUrl` would be),
 *   and auth, headers, form encoding, timeouts and the SDK's own 429 retries (`autoRetry`) all
 *   stay the SDK's.
 * The subclass rewrites the origin of any `https://twilio.com` / `https://*.twilio.com` URI to the
 * fake's `baseUrl` (keeping path and query) and lets RequestClient make the request.
 */
export function redirectedHttpClient(baseUrl: string, options: RequestClient.RequestClientOptions = {}): RequestClient {
  const target = new URL(baseUrl);
  const prefix = target.pathname.replace(/\/+$/, '');

  class RedirectedRequestClient extends twilio.RequestClient {
    override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
      return super.request({ ...opts, uri: redirect(opts.uri) });
    }
  }

  function redirect(uri: string): string {
    const url = new URL(uri);
    if (url.protocol !== 'https:' || !(url.hostname === 'twilio.com' || url.hostname.endsWith('.twilio.com'))) return uri;
    return `${target.origin}${prefix}${url.pathname}${url.search}`;
  }

  return new RedirectedRequestClient(options);
}
