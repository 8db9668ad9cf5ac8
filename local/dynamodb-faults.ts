import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through in front of DynamoDB Local that can make chosen operations fail the way
 * DynamoDB does (HTTP 500, `InternalServerError`, awsJson1_0), so tests can break one step of
 * a function (the receiver's remember write, say) while everything before it succeeds. The
 * SDK retries a 500 itself: a fault holds until it is lifted.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
export interface DynamoDbFaults {
  url: string;
  /** Every `operation` call (e.g. "BatchWriteItem") fails until the returned function is called. */
  fail(operation: string): () => void;
  /** How many calls of `operation` were failed so far. */
  failed(operation: string): number;
  close(): Promise<void>;
}

export async function startDynamoDbFaults(target: string): Promise<DynamoDbFaults> {
  const upstream = new URL(target);
  const failing = new Set<string>();
  const failedCounts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    // X-Amz-Target: DynamoDB_20120810.<Operation>
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    if (failing.has(operation)) {
      req.resume();
      req.on('end', () => {
        failedCounts.set(operation, (failedCounts.get(operation) ?? 0) + 1);
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'local-fault' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' }));
      });
      return;
    }
    const forward = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fail(operation) {
      failing.add(operation);
      return () => failing.delete(operation);
    },
    failed: (operation) => failedCounts.get(operation) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
