import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../../../connectors/connector';
import { TWILIO_CONNECTION_OVERRIDES } from '../../../../connectors/twilio/connection-overrides';
import { formParams, twilioSignature, verifyTwilioRequest } from '../../../../connectors/twilio/signature';

/**
 * The connector's X-Twilio-Signature check, against Twilio's official test vectors
 * (twilio-node spec/validation.spec.js) and against twilio@6.2.0's own validateRequest.
 */
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
const JSON_BODY = '{"property": "value", "boolean": true}';
const BODY_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';

const form = (params: Record<string, string>) => Buffer.from(new URLSearchParams(params).toString());
const request = (url: string, rawBody: Buffer, signature?: string): WebhookRequest => ({
  method: 'POST',
  url,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
  rawBody,
});

describe('Twilio webhook signature (form and JSON variants)', () => {
  it("matches Twilio's official vectors", () => {
    // Act
    const formSignature = twilioSignature(TOKEN, URL, formParams(form(PARAMS)));
    const jsonSignature = twilioSignature(TOKEN, `${URL}&bodySHA256=${BODY_HASH}`, new Map());

    // Assess
    expect(formSignature).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(jsonSignature).toBe('a9nBmqA0ju/hNViExpshrM61xv4=');
  });

  it('accepts a signed form request, with or without the default port in the URL, as the SDK does', () => {
    // Prepare
    const signedWithPort = twilioSignature(TOKEN, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', formParams(form(PARAMS)));

    // Act / Assess
    expect(verifyTwilioRequest(request(URL, form(PARAMS), 'RSOYDt4T1cUTdK1PDd93/VVr8B8='), TOKEN)).toEqual({ ok: true });
    expect(verifyTwilioRequest(request(URL, form(PARAMS), signedWithPort), TOKEN)).toEqual({ ok: true });
    expect(twilio.validateRequest(TOKEN, signedWithPort, URL, PARAMS)).toBe(true);
  });

  it('accepts the JSON variant only when the body hashes to bodySHA256', () => {
    // Prepare
    const url = `${URL}&bodySHA256=${BODY_HASH}`;

    // Act
    const good = verifyTwilioRequest(request(url, Buffer.from(JSON_BODY), 'a9nBmqA0ju/hNViExpshrM61xv4='), TOKEN);
    const tampered = verifyTwilioRequest(request(url, Buffer.from('{"property": "other", "boolean": true}'), 'a9nBmqA0ju/hNViExpshrM61xv4='), TOKEN);

    // Assess
    expect(good).toEqual({ ok: true });
    expect(tampered).toEqual({ ok: false, reason: 'bad_signature' });
    expect(twilio.validateRequestWithBody(TOKEN, 'a9nBmqA0ju/hNViExpshrM61xv4=', url, JSON_BODY)).toBe(true);
  });

  it('refuses a missing signature, another token, a changed parameter and an added one', () => {
    // Prepare
    const signature = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

    // Act / Assess
    expect(verifyTwilioRequest(request(URL, form(PARAMS)), TOKEN)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyTwilioRequest(request(URL, form(PARAMS), signature), 'another-token')).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyTwilioRequest(request(URL, form({ ...PARAMS, Digits: '9999' }), signature), TOKEN)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyTwilioRequest(request(URL, form({ ...PARAMS, Body: 'STOP' }), signature), TOKEN)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyTwilioRequest(request('https://mycompany.com/myapp.php?foo=1&bar=3', form(PARAMS), signature), TOKEN)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('signs a real inbound SMS body with every parameter Twilio sent, as the SDK does', () => {
    // Prepare: a body with characters form encoding changes (+, spaces, emoji)
    const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', From: '+15005550006', To: '+15005550001', Body: 'Is the blue teapot in stock? 🙂 + ship?', NumMedia: '0', AccountSid: 'AC0123456789abcdef0123456789abcdef' };
    const url = 'https://abc123.execute-api.us-east-1.amazonaws.com/webhooks/twilio';
    const expected = twilio.getExpectedTwilioSignature(TOKEN, url, params);

    // Act
    const result = verifyTwilioRequest(request(url, form(params), expected), TOKEN);

    // Assess
    expect(result).toEqual({ ok: true });
  });
  it('accepts a signature over the registered URL with its connection overrides, and still refuses another fragment', () => {
    // Prepare: the URL the shop registers carries omnihub's overrides; Twilio requests it without them.
    const requested = 'https://hub.example.com/webhooks/twilio';
    const body = form(PARAMS);

    // Act
    const withOverrides = verifyTwilioRequest(request(requested, body, twilioSignature(TOKEN, `${requested}#${TWILIO_CONNECTION_OVERRIDES}`, formParams(body))), TOKEN);
    const without = verifyTwilioRequest(request(requested, body, twilioSignature(TOKEN, requested, formParams(body))), TOKEN);
    const otherFragment = verifyTwilioRequest(request(requested, body, twilioSignature(TOKEN, `${requested}#rc=5&rp=all`, formParams(body))), TOKEN);

    // Assess
    expect(withOverrides).toEqual({ ok: true });
    expect(without).toEqual({ ok: true });
    expect(otherFragment).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
