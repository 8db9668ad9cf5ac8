import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Sandbox } from '../connectors/sandboxes';
import { freePort, SMALL_JVM_OPTIONS, startDynamoDbLocal } from './dynamodb-local-process';
import type { RuntimeConnector } from './runtime';

/**
 * `npm start [-- --fresh]`: omnihub on this machine with no accounts and no AWS. DynamoDB
 * Local, the bus, the webhook endpoint, and a sandbox of each enabled connector (or the real
 * service when its credentials are in the environment). Connectors on/off and their tuning
 * come from the same cdk.json context the deployed stack uses.
 *
 * The identity map (DynamoDB Local's files) and the sandboxes' records are kept on disk under
 * `.omnihub/` (git-ignored; OMNIHUB_DATA_DIR moves it), so a restart finds everything as it
 * was; `--fresh` deletes them first.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3000);
const verbose = process.env.OMNIHUB_LOG === 'json';
const dataDir = path.resolve(process.env.OMNIHUB_DATA_DIR ?? path.join(root, '.omnihub'));

async function main() {
  const { values: flags } = parseArgs({ options: { fresh: { type: 'boolean', default: false } } });
  const dbPath = path.join(dataDir, 'dynamodb');
  const sandboxDir = path.join(dataDir, 'sandboxes');
  if (flags.fresh) await Promise.all([rm(dbPath, { recursive: true, force: true }), rm(sandboxDir, { recursive: true, force: true })]);
  await Promise.all([mkdir(dbPath, { recursive: true }), mkdir(sandboxDir, { recursive: true })]);

  console.log(flags.fresh ? 'Starting omnihub locally, from a clean slate (--fresh)...' : 'Starting omnihub locally...');
  // DynamoDB Local's JVM takes seconds to answer, so it starts before anything else: the rest
  // of the hub's code loads (a second or so), the sandboxes open, the bundles are checked
  // (reused when unchanged) and the workers import them, all meanwhile.
  const tableName = 'omnihub-local';
  const ddbPort = await freePort();
  const jvmStarting = startDynamoDbLocal({ dbPath, port: ddbPort, jvmOptions: SMALL_JVM_OPTIONS });
  jvmStarting.catch(() => undefined); // its failure is reported where it is awaited, not as an unhandled rejection
  const [{ loadSandbox }, { enabledConnectors, loadConfig }, { clearLocalState, writeLocalState }, { createIdentityTable }, { prettyLogLine }, { startRuntime }, { routedConnector }] =
    await Promise.all([
      import('../connectors/sandboxes'),
      import('../infra/config'),
      import('../bin/local-state'),
      import('./dynamodb-local'),
      import('./pretty-log'),
      import('./runtime'),
      import('../connectors/manifests'),
    ]);
  const ddbStarting = jvmStarting.then(async (ddb) => {
    await createIdentityTable(ddb.endpoint, tableName);
    return ddb;
  });
  ddbStarting.catch(() => undefined);

  const cdkJson = JSON.parse(await readFile(path.join(root, 'cdk.json'), 'utf8')) as { context?: { omnihub?: unknown } };
  const config = loadConfig(cdkJson.context?.omnihub);
  const enabled = enabledConnectors(config);

  const warnings: string[] = [];
  const started = await Promise.all(
    enabled.map(async ({ manifest, settings }, index): Promise<{ connector: RuntimeConnector; running: { id: string; name: string; sandbox?: Sandbox; pollMinutes?: number } }> => {
      const real = realCredentials(manifest.localEnv);
      if (real) {
        if (real.missingWebhookVars.length > 0) {
          warnings.push(`${manifest.displayName} webhooks get 503 until ${real.missingWebhookVars.join(', ')} ${real.missingWebhookVars.length === 1 ? 'is' : 'are'} set`);
        }
        return {
          connector: { ...routedConnector(manifest), config: { ...settings, ...real.config }, secret: real.secret, webhookSecret: real.webhookSecret },
          running: { id: manifest.id, name: manifest.displayName, ...pollOf(manifest, settings) },
        };
      }
      const start = await loadSandbox(manifest.id);
      if (!start) throw new Error(`No sandbox for ${manifest.id}; set ${Object.values(manifest.localEnv.secret).join(', ')} to use the real service`);
      // The port after PORT when it is free (3001, 3002...), any free port when it is taken.
      const preferred = port + 1 + index;
      const options = { seed: true, persistPath: path.join(sandboxDir, `${manifest.id}.json`) };
      const sandbox = await start({ ...options, port: preferred }).catch(() => start({ ...options, port: 0 }));
      return {
        connector: {
          ...routedConnector(manifest),
          config: { ...settings, ...sandbox.config },
          secret: sandbox.secret,
          webhookSecret: sandbox.webhookSecret,
          baseUrl: sandbox.baseUrl,
        },
        running: { id: manifest.id, name: manifest.displayName, sandbox, ...pollOf(manifest, settings) },
      };
    }),
  );
  const connectors = started.map((s) => s.connector);
  const running = started.map((s) => s.running);

  const runtime = await startRuntime({
    root,
    buildDir: path.join(dataDir, 'build'),
    dynamodbEndpoint: `http://127.0.0.1:${ddbPort}`,
    dynamodbReady: ddbStarting,
    tableName,
    connectors,
    port,
    // One execution environment per function is enough on a laptop (tests that race events use a pool).
    poolSize: 1,
    startFunctionsTogether: true,
    stopBundlerWhenBuilt: true,
    defaultCountry: config.defaultCountry,
    parkedRetentionDays: config.parkedRetentionDays,
    // The sync-step lines are npm start's display: INFO locally, whatever cdk.json's logLevel sets for AWS (default WARN, for the bill).
    logLevel: 'INFO',
    reconcileMinutes: config.reconcileMinutes,
    onLog: (line) => console.log(verbose ? line : prettyLogLine(line)),
  });
  const ddb = await ddbStarting;
  for (const r of running) r.sandbox?.setWebhookUrl(runtime.webhookUrl(r.id));
  await writeLocalState(root, {
    dynamodbEndpoint: ddb.endpoint,
    tableName,
    eventsEndpoint: runtime.eventsEndpoint,
    webhookUrl: runtime.url,
    pid: process.pid,
    connectors: Object.fromEntries(connectors.map((c) => [c.id, { settings: c.config, ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}) }])),
  });

  const lines = [
    '',
    'omnihub is running.',
    `  Webhooks        POST ${runtime.url}/webhooks/{${running.filter((r) => !r.pollMinutes).map((r) => r.id).join('|')}}`,
    `  DynamoDB Local  ${ddb.endpoint}  table ${tableName}, kept in ${shown(dbPath)} (npm start -- --fresh starts clean)`,
    `  Event bus       in-process (rules from core/routing.ts), ${runtime.queues.length} queues`,
  ];
  for (const r of running) {
    // A polled connector (Klaviyo) is read every pollMinutes; `npx omnihub backfill <id>` reads it now.
    const polled = r.pollMinutes === undefined ? undefined : r.pollMinutes > 0 ? `polled every ${r.pollMinutes} min (now: npx omnihub backfill ${r.id})` : `not polled (pollMinutes 0; npx omnihub backfill ${r.id} reads it)`;
    if (r.sandbox) lines.push(`  ${r.name.padEnd(15)} sandbox at ${r.sandbox.baseUrl}${polled ? `, ${polled}` : ''}`, ...r.sandbox.help().map((h) => `                    ${h}`));
    else if (polled) lines.push(`  ${r.name.padEnd(15)} REAL service (credentials from the environment), ${polled}`);
    else lines.push(`  ${r.name.padEnd(15)} REAL service (credentials from the environment); point its webhooks at ${runtime.webhookUrl(r.id)} through a public tunnel`);
  }
  for (const warning of warnings) lines.push(`  WARNING         ${warning}`);
  lines.push('', '  Look a customer up:  npx omnihub customer ada.lovelace@example.com', '  Stop:                Ctrl+C', '');
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping...');
    await runtime.stop();
    await Promise.all(running.map((r) => r.sandbox?.close()));
    await ddb.stop();
    await clearLocalState(root);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/**
 * The real service's credentials when every API secret variable of the connector is set.
 * Its signing secret comes from the webhookSecret variables; one left unset serves an empty
 * value, which the receiver treats as not configured (503), as in AWS.
 */
function realCredentials(localEnv: { secret: Record<string, string>; webhookSecret: Record<string, string>; config: Record<string, string> }) {
  const fromEnv = (names: Record<string, string>) => Object.fromEntries(Object.entries(names).map(([key, name]) => [key, process.env[name] ?? '']));
  const secret = fromEnv(localEnv.secret);
  if (Object.values(secret).some((v) => !v)) return undefined;
  const config = Object.fromEntries(
    Object.entries(localEnv.config).flatMap(([key, name]) => (process.env[name] ? [[key, process.env[name]]] : [])),
  );
  const missingWebhookVars = Object.values(localEnv.webhookSecret).filter((name) => !process.env[name]);
  return { secret, webhookSecret: fromEnv(localEnv.webhookSecret), config, missingWebhookVars };
}

/** A path under the repository as `.omnihub/...`, anything else in full. */
function shown(file: string): string {
  const relative = path.relative(root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

main().catch((error: unknown) => {
  console.error(`omnihub could not start: ${(error as Error).message ?? error}`);
  process.exit(1);
});

/** How often a polled connector is read (its pollMinutes), for the banner; nothing for one that sends webhooks. */
function pollOf(manifest: { inbound?: 'webhooks' | 'poll' }, settings: Record<string, unknown>): { pollMinutes?: number } {
  return manifest.inbound === 'poll' ? { pollMinutes: typeof settings.pollMinutes === 'number' ? settings.pollMinutes : 0 } : {};
}
