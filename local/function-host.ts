import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * Runs inside one worker thread: the local equivalent of one Lambda execution environment.
 * It imports one bundled function (its cold start, measured), then invokes `handler` once
 * per message, one invocation at a time, as Lambda does.
 */
interface HostData {
  bundle: string;
  functionName: string;
  timeoutMs: number;
  /** When set, every outgoing HTTP request carries this header naming the invocation (see LocalFunction.crash). */
  invocationHeader?: string;
}
type Capacity = { readUnits: number; strongReadUnits?: number; writeUnits: number };

const data = workerData as HostData;
const port = parentPort!;
const started = performance.now();
const mod = (await import(pathToFileURL(data.bundle).href)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
port.postMessage({ kind: 'ready', initMs: performance.now() - started });

// One invocation at a time per worker, so "the request was made during invocation N" is exact.
let current = 0;
if (data.invocationHeader) {
  const header = data.invocationHeader;
  // https://nodejs.org/api/diagnostics_channel.html#httpclientrequestcreated: before any header is sent.
  diagnostics.subscribe('http.client.request.created', (message) => {
    (message as { request: ClientRequest }).request.setHeader(header, `${data.functionName}#${current}`);
  });
  // Node's fetch (the bundles' AWS clients, the HubSpot SDK) goes through undici, not node:http.
  // https://nodejs.org/api/globals.html#fetch and undici's diagnostics channel undici:request:create
  diagnostics.subscribe('undici:request:create', (message) => {
    (message as { request: { addHeader(name: string, value: string): unknown } }).request.addHeader(header, `${data.functionName}#${current}`);
  });
}

let queue = Promise.resolve();
port.on('message', (message: { id: number; event: unknown }) => {
  queue = queue.then(() => invoke(message));
});

async function invoke({ id, event }: { id: number; event: unknown }): Promise<void> {
  current = id;
  const deadline = Date.now() + data.timeoutMs;
  const context = {
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${data.functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${data.functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const meter = (globalThis as { __omnihubCapacity?: { take(): Capacity } }).__omnihubCapacity;
  const t0 = performance.now();
  try {
    const result = await mod.handler(event, context);
    port.postMessage({ kind: 'result', id, result, durationMs: performance.now() - t0, capacity: meter?.take() });
  } catch (error) {
    const e = error as Error;
    port.postMessage({
      kind: 'error',
      id,
      error: { name: e?.name, message: e?.message ?? String(error), stack: e?.stack },
      durationMs: performance.now() - t0,
      capacity: meter?.take(),
    });
  }
}
