import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for the JSON-protocol POSTs of the lean clients (aws-json.ts).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * Every header sent is signed (the host as fetch sends it: the URL's host, port included
 * unless default); the path is always "/" and there is no query string.
 */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  url: URL;
  headers: Record<string, string>;
  body: string;
  region: string;
  /** The signing name: dynamodb, events, secretsmanager. */
  service: string;
  credentials: Credentials;
  now: Date;
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** The request's headers with x-amz-date, x-amz-security-token and authorization added. */
export function signRequest({ url, headers, body, region, service, credentials, now }: SignInput): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); // 20150830T123600Z
  const day = amzDate.slice(0, 8);
  const signed: Record<string, string> = { ...lowerCased(headers), host: url.host, 'x-amz-date': amzDate };
  if (credentials.sessionToken) signed['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(signed).sort();
  const canonicalRequest = [
    'POST',
    url.pathname || '/',
    '',
    ...names.map((name) => `${name}:${signed[name]!.trim().replace(/\s+/g, ' ')}`),
    '',
    names.join(';'),
    sha256Hex(body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const { host: _host, ...sent } = signed; // fetch sends the host itself
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
