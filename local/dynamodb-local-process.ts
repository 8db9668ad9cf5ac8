import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * DynamoDB Local, AWS's own emulator (the jar shipped in the amplify-dynamodb-simulator
 * npm package), run with the machine's Java 17+. Tests and `npm start` start it themselves.
 */
export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * JVM options for a small, quick-starting DynamoDB Local (`npm start`): the items live in
 * SQLite, outside the Java heap, so a capped heap holds the requests in flight (a 20,000-item
 * load of BatchWriteItem and TransactWriteItems peaked at 157 MB resident with 64 MB); the
 * serial collector suits one small heap; C1 only (tiered level 1) starts faster and keeps
 * less compiled code, for a local hub's modest request rate.
 * https://docs.oracle.com/en/java/javase/17/docs/specs/man/java.html
 */
export const SMALL_JVM_OPTIONS = ['-Xmx96m', '-Xss512k', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'] as const;

export async function startDynamoDbLocal(options: { port?: number; dbPath?: string; jvmOptions?: readonly string[] } = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const require = createRequire(import.meta.url);
  const emulatorDir = path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  // On disk: one shared file (whatever credentials and region a client uses), absolute because Java runs in the jar's folder.
  const storage = options.dbPath ? ['-dbPath', path.resolve(options.dbPath), '-sharedDb'] : ['-inMemory'];
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const child = spawn(
    java,
    [...(options.jvmOptions ?? []), '-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', '-port', String(port), ...storage, '-disableTelemetry'],
    { cwd: emulatorDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new Error(`Could not start DynamoDB Local: ${error.message}. It needs Java 17 or newer on PATH (or JAVA_HOME).`)),
    );
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited (code ${code}):\n${output}`)));
  });
  // Never leave a Java process behind when this one exits, however it exits.
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  const endpoint = `http://127.0.0.1:${port}`;
  await Promise.race([waitUntilServing(endpoint), spawnError]);
  return {
    endpoint,
    stop: async () => {
      process.removeListener('exit', killChild);
      await stopChild(child);
    },
  };
}

/**
 * Until DynamoDB Local answers an API call, without loading the AWS SDK (this module is
 * imported first by `npm start`, so the JVM starts before everything else loads).
 * DynamoDB Local accepts any SigV4 credentials; a bare POST without them gets
 * MissingAuthenticationToken. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTables.html
 */
async function waitUntilServing(endpoint: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{"Limit":1}',
    }).catch(() => undefined);
    if (answer?.ok) return;
    if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s${answer ? ` (HTTP ${answer.status})` : ''}`);
    await new Promise((r) => setTimeout(r, answer ? 150 : 50));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
