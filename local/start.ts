import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxes, type Sandbox } from '../connectors/sandboxes';
import { enabledConnectors, loadConfig } from '../infra/config';
import { clearLocalState, writeLocalState } from '../bin/local-state';
import { createIdentityTable, startDynamoDbLocal } from './dynamodb-local';
import { prettyLogLine } from './pretty-log';
import { startRuntime, type RuntimeConnector } from './runtime';

/**
 * `npm start`: omnihub on this machine with no accounts and no AWS. DynamoDB Local, the bus,
 * the webhook endpoint, and a sandbox of each enabled connector (or the real service when its
 * credentials are in the environment). Connectors on/off and their tuning come from the same
 * cdk.json context the deployed stack uses.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3000);
const verbose = process.env.OMNIHUB_LOG === 'json';

async function main() {
  const cdkJson = JSON.parse(await readFile(path.join(root, 'cdk.json'), 'utf8')) as { context?: { omnihub?: unknown } };
  const config = loadConfig(cdkJson.context?.omnihub);
  const enabled = enabledConnectors(config);

  console.log('Starting omnihub locally...');
  const ddb = await startDynamoDbLocal();
  const tableName = 'omnihub-local';
  await createIdentityTable(ddb.endpoint, tableName);

  const running: Array<{ id: string; name: string; sandbox?: Sandbox }> = [];
  const connectors: RuntimeConnector[] = [];
  let sandboxPort = port + 1;
  for (const { manifest, settings } of enabled) {
    const real = realCredentials(manifest.localEnv);
    if (real) {
      connectors.push({ id: manifest.id, hydrates: manifest.hydrates, config: { ...settings, ...real.config }, secret: real.secret });
      running.push({ id: manifest.id, name: manifest.displayName });
      continue;
    }
    const start = sandboxes[manifest.id];
    if (!start) throw new Error(`No sandbox for ${manifest.id}; set ${Object.values(manifest.localEnv.secret).join(', ')} to use the real service`);
    // The port after PORT when it is free (3001, 3002...), any free port when it is taken.
    const preferred = sandboxPort++;
    const sandbox = await start({ port: preferred, seed: true }).catch(() => start({ port: 0, seed: true }));
    connectors.push({ id: manifest.id, hydrates: manifest.hydrates, config: { ...settings, ...sandbox.config }, secret: sandbox.secret, baseUrl: sandbox.baseUrl });
    running.push({ id: manifest.id, name: manifest.displayName, sandbox });
  }

  const runtime = await startRuntime({
    root,
    dynamodbEndpoint: ddb.endpoint,
    tableName,
    connectors,
    port,
    defaultCountry: config.defaultCountry,
    logLevel: config.logLevel,
    onLog: (line) => console.log(verbose ? line : prettyLogLine(line)),
  });
  for (const r of running) r.sandbox?.setWebhookUrl(runtime.webhookUrl(r.id));
  await writeLocalState(root, {
    dynamodbEndpoint: ddb.endpoint,
    tableName,
    eventsEndpoint: runtime.eventsEndpoint,
    webhookUrl: runtime.url,
    pid: process.pid,
  });

  const lines = [
    '',
    'omnihub is running.',
    `  Webhooks        POST ${runtime.url}/webhooks/{${running.map((r) => r.id).join('|')}}`,
    `  DynamoDB Local  ${ddb.endpoint}  table ${tableName}`,
    `  Event bus       in-process (rules from core/routing.ts), ${runtime.queues.length} queues`,
  ];
  for (const r of running) {
    if (r.sandbox) lines.push(`  ${r.name.padEnd(15)} sandbox at ${r.sandbox.baseUrl}`, ...r.sandbox.help().map((h) => `                    ${h}`));
    else lines.push(`  ${r.name.padEnd(15)} REAL service (credentials from the environment); point its webhooks at ${runtime.webhookUrl(r.id)} through a public tunnel`);
  }
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

/** The real service's credentials when every secret variable of the connector is set. */
function realCredentials(localEnv: { secret: Record<string, string>; config: Record<string, string> }) {
  const secret = Object.fromEntries(Object.entries(localEnv.secret).map(([key, name]) => [key, process.env[name]]));
  if (Object.values(secret).some((v) => !v)) return undefined;
  const config = Object.fromEntries(
    Object.entries(localEnv.config).flatMap(([key, name]) => (process.env[name] ? [[key, process.env[name]]] : [])),
  );
  return { secret: secret as Record<string, string>, config };
}

main().catch((error: unknown) => {
  console.error(`omnihub could not start: ${(error as Error).message ?? error}`);
  process.exit(1);
});
