import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { marshall as sdkMarshall, unmarshall as sdkUnmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marshall, unmarshall } from '../../../functions/lib/aws/marshall';
import { signRequest } from '../../../functions/lib/aws/sigv4';

/** The SDK's hash interface over node:crypto (SignatureV4 takes a constructor). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

const bytes = (data: string | ArrayBuffer | ArrayBufferView) =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double({ min: -1e15, max: 1e15, noNaN: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('doc'),
  ),
  doc: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('value'), { maxKeys: 5 }),
}));

describe('the lean AWS clients of the bundles', () => {
  it('sign a request exactly as the AWS SDK\'s SigV4 signer does', async () => {
    // Prepare
    const now = new Date('2026-03-01T10:00:00Z');
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
    const body = JSON.stringify({ TableName: 'omnihub', Key: { pk: { S: 'CUSTOMER#oh_1' } } });
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' };
    const url = new URL('https://dynamodb.us-east-1.amazonaws.com/');

    // Act
    const ours = signRequest({ url, headers, body, region: 'us-east-1', service: 'dynamodb', credentials, now });
    const sdk = await new SignatureV4({ credentials, region: 'us-east-1', service: 'dynamodb', sha256: Sha256, applyChecksum: false }).sign(
      { method: 'POST', protocol: 'https:', hostname: url.hostname, path: '/', headers: { ...headers, host: url.host }, body },
      { signingDate: now },
    );

    // Assess
    expect(ours.authorization).toBe(sdk.headers.authorization);
    expect(ours['x-amz-security-token']).toBe('session-token');
  });

  it('marshall documents into the same attribute values as @aws-sdk/util-dynamodb, and back', () => {
    fc.assert(
      fc.property(json.doc, (doc) => {
        const options = { removeUndefinedValues: true, convertClassInstanceToMap: false };
        const ours = marshall(doc, options);
        expect(ours).toEqual(sdkMarshall(doc, options));
        expect(unmarshall(ours)).toEqual(sdkUnmarshall(sdkMarshall(doc, options)));
      }),
    );
  });

  it('refuse what the SDK refuses, with its messages', () => {
    expect(() => marshall({ at: new Date() })).toThrow('Pass options.convertClassInstanceToMap=true');
    expect(() => marshall({ a: undefined })).toThrow('Pass options.removeUndefinedValues=true');
    expect(() => marshall({ n: Number.NaN })).toThrow('Special numeric value NaN is not allowed');
    expect(() => marshall({ s: new Set() })).toThrow('Pass a non-empty set');
  });
});
