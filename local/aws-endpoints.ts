import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The two AWS APIs the handlers call besides DynamoDB, answered locally over HTTP in their
 * real wire protocol (awsJson1_1), so the handlers use the real SDK clients unchanged:
 *   AWSEvents.PutEvents           → the local bus
 *   secretsmanager.GetSecretValue → the connector secrets of this run
 * The workers find this server through the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables.
 */
export interface AwsEndpoints {
  url: string;
  /** Fault injection: the next `count` PutEvents calls fail every entry, as EventBridge does when throttled. */
  failPutEvents(count: number): void;
  /** Calls answered, per operation (Secrets Manager bills each GetSecretValue). */
  readonly calls: { putEvents: number; getSecretValue: number };
  close(): Promise<void>;
}

export async function startAwsEndpoints(options: {
  /** Each accepted entry as the envelope a target receives, with the entry's size as EventBridge bills it. */
  onEvent: (envelope: Record<string, unknown>, entryBytes: number) => void;
  secrets: Record<string, string>; // secret id → SecretString
  region?: string;
}): Promise<AwsEndpoints> {
  const region = options.region ?? 'us-east-1';
  let putEventsFailures = 0;
  const calls = { putEvents: 0, getSecretValue: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(payload));
      };
      if (target === 'AWSEvents.PutEvents') {
        calls.putEvents++;
        const entries = (body.Entries as Array<Record<string, string>>) ?? [];
        if (putEventsFailures > 0) {
          putEventsFailures--;
          const failed = entries.map(() => ({ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }));
          return send(200, { FailedEntryCount: entries.length, Entries: failed });
        }
        const results = entries.map((entry) => {
          const id = randomUUID();
          options.onEvent({
            version: '0',
            id,
            'detail-type': entry.DetailType,
            source: entry.Source,
            account: '000000000000',
            time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
            region,
            resources: entry.Resources ?? [],
            detail: JSON.parse(entry.Detail ?? '{}'),
          }, putEventsEntrySize(entry));
          return { EventId: id };
        });
        return send(200, { FailedEntryCount: 0, Entries: results });
      }
      if (target === 'secretsmanager.GetSecretValue') {
        calls.getSecretValue++;
        const id = String(body.SecretId);
        const value = options.secrets[id];
        if (value === undefined) {
          return send(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
        }
        return send(200, { ARN: `arn:aws:secretsmanager:${region}:000000000000:secret:${id}`, Name: id, SecretString: value, VersionId: 'local' });
      }
      send(400, { __type: 'UnknownOperationException', message: `Not emulated locally: ${target}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failPutEvents: (count) => {
      putEventsFailures = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A PutEvents entry's size as EventBridge computes it: Time 14 bytes if set, plus the UTF-8
 * bytes of Source, DetailType, Detail and each Resources entry.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export function putEventsEntrySize(entry: { Time?: unknown; Source?: string; DetailType?: string; Detail?: string; Resources?: unknown }): number {
  const bytes = (text: unknown) => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (entry.Time !== undefined && entry.Time !== null ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources.reduce((sum: number, r) => sum + bytes(r), 0);
}
