/**
 * `npm run bench`, Functions: each Lambda bundle built exactly as deployed (functions/build.ts),
 * its size against its budget (functions/catalog.ts), its five largest contributors (esbuild's
 * metafile: bytes each package or source folder leaves in the output), and its cold import in a
 * fresh worker thread (as the local runtime runs each function): from `new Worker` until the
 * bundle's module is evaluated, the worker's own start included, as Lambda's Init Duration
 * includes the runtime's (no invocation), median of several workers; then that time as a
 * multiple of an empty handler's, bundled with the same settings and measured in the same run,
 * and the import alone (module load and evaluation, timed inside the worker). Figures, not
 * assertions (the budgets are asserted by test/infra/bundling.test.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Metafile } from 'esbuild';
import { manifests } from '../../connectors/manifests';
import { buildFunction } from '../../functions/build';
import { bundleBudget, connectorBundleDefine, functionEntries, receiverBundleDefine, receiverFunctionName } from '../../functions/catalog';
import { withoutTsx } from '../../local/local-function';

const SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 7);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** What each function parses from its environment at cold start (functions/lib/env.ts): placeholders, no call is made. */
const COMMON_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', TABLE_NAME: 'omnihub', EVENT_BUS_NAME: 'omnihub' };
const EXAMPLE_CONFIG: Record<string, Record<string, unknown>> = { shopify: { shop: 'bench-shop' }, twilio: { smsFrom: '+15005550006', notices: { storeName: 'Bench Goods' } } };

interface Job {
  name: string;
  entry: string;
  define?: Record<string, string>;
  env: Record<string, string>;
}

/** Bytes in the output by package (node_modules/<package>) or by source folder (connectors/shopify, functions/lib...). */
export function contributors(metafile: Metafile, root: string): Array<{ name: string; bytes: number }> {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    const relative = path.relative(root, path.resolve(root, input.replace(/^[a-z-]+:/, '')));
    const name = pkg ?? (input.includes(':') && !input.startsWith('/') ? input : path.dirname(relative) === '.' ? relative : path.dirname(relative));
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Milliseconds from a new worker thread (its own V8 isolate) to `file` imported, the import alone, and the isolate's heap after it. */
export function coldImport(file: string, env: Record<string, string>): Promise<{ ms: number; importMs: number; heap: number }> {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const { getHeapStatistics } = require('node:v8');
    const started = performance.now();
    import(${JSON.stringify(pathToFileURL(file).href)}).then(
      () => parentPort.postMessage({ importMs: performance.now() - started, heap: getHeapStatistics().used_heap_size }),
      (error) => parentPort.postMessage({ error: String(error && error.stack || error) }),
    );`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // Without tsx's loader (the bench runs under tsx): a deployed bundle is plain JavaScript, and
    // the loader's hooks would add their own start-up to every cold import measured.
    const worker = new Worker(source, { eval: true, env: { ...env }, execArgv: withoutTsx(process.execArgv) });
    worker.once('message', (answer: { importMs: number; heap: number; error?: string }) => {
      const ms = performance.now() - started;
      void worker.terminate();
      if (answer.error) reject(new Error(`importing ${file} failed: ${answer.error}`));
      else resolve({ ms, importMs: answer.importMs, heap: answer.heap });
    });
    worker.once('error', reject);
  });
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function printBundles(root: string): Promise<void> {
  const outDir = path.join(root, '.omnihub', 'bench-bundles');
  await mkdir(outDir, { recursive: true });
  const emptyEntry = path.join(outDir, 'empty-handler.ts');
  await writeFile(emptyEntry, 'export async function handler() {\n  return {};\n}\n');
  const jobs: Job[] = [
    // One receiver per connector that receives webhooks, each with only its own connector's webhook code (as deployed).
    ...manifests
      .filter((m) => (m.inbound ?? 'webhooks') === 'webhooks')
      .map(({ id }) => ({
        name: receiverFunctionName(id),
        entry: functionEntries['webhook-receiver'],
        define: receiverBundleDefine(id),
        env: { ...COMMON_ENV, CONNECTOR_SECRETS: JSON.stringify({ [id]: `omnihub/${id}/webhook` }) },
      })),
    { name: 'identity-resolver', entry: functionEntries['identity-resolver'], env: { ...COMMON_ENV, CONNECTOR_IDS: manifests.map((m) => m.id).join(',') } },
    // Sync for the systems that hold customer records (not Twilio, a channel: infra builds none for it).
    ...manifests.filter((m) => m.customerRecords !== false).map(({ id }) => ({
      name: `sync-${id}`,
      entry: functionEntries['connector-sync'],
      define: connectorBundleDefine(id),
      env: { ...COMMON_ENV, CONNECTOR_ID: id, CONNECTOR_CONFIG: JSON.stringify(EXAMPLE_CONFIG[id] ?? {}), CONNECTOR_SECRET: `omnihub/${id}` },
    })),
    // The orders function of whoever reads or copies orders, or copies messages (as infra/omnihub-stack.ts builds it).
    ...manifests
      .filter((m) => m.orders?.observe || m.orders?.project || m.messages?.project)
      .map(({ id }) => ({
        name: `orders-${id}`,
        entry: functionEntries['order-sync'],
        define: connectorBundleDefine(id, 'orders'),
        env: { ...COMMON_ENV, CONNECTOR_ID: id, CONNECTOR_CONFIG: JSON.stringify(EXAMPLE_CONFIG[id] ?? {}), CONNECTOR_SECRET: `omnihub/${id}` },
      })),
    ...manifests
      .filter((m) => m.notices)
      .map(({ id }) => ({
        name: `notices-${id}`,
        entry: functionEntries['notice-sender'],
        define: connectorBundleDefine(id, 'notices'),
        env: {
          ...COMMON_ENV,
          CONNECTOR_ID: id,
          CONNECTOR_CONFIG: JSON.stringify(EXAMPLE_CONFIG[id] ?? {}),
          CONNECTOR_SECRET: `omnihub/${id}`,
          MESSAGE_COPY_IDS: 'hubspot',
          STATUS_CALLBACK_URL: `https://hub.example.com/webhooks/${id}`,
        },
      })),
  ];
  const built = await Promise.all(
    [{ name: 'empty handler', entry: emptyEntry, env: {} } as Job, ...jobs].map(async (job) => {
      const file = path.join(outDir, `${job.name.replace(/\s/g, '-')}.mjs`);
      const { bytes, metafile } = await buildFunction({ entry: path.resolve(root, job.entry), outfile: file, define: job.define });
      return { ...job, file, bytes, metafile };
    }),
  );
  // One worker at a time, the empty handler's samples interleaved with the others' (same machine state).
  const samples = new Map<string, Array<{ ms: number; importMs: number; heap: number }>>(built.map((b) => [b.name, []]));
  for (let i = 0; i < SAMPLES; i++) {
    for (const b of built) samples.get(b.name)!.push(await coldImport(b.file, b.env));
  }
  const empty = samples.get('empty handler')!;
  const emptyMs = median(empty.map((s) => s.ms));

  console.log(
    `\nFunctions (bundle = index.mjs as deployed; cold import = new worker until the bundle is imported, median of ${SAMPLES}; ` +
      `× empty = vs an empty handler bundled the same way: ${emptyMs.toFixed(1)} ms, of which import ${median(empty.map((s) => s.importMs)).toFixed(1)} ms)`,
  );
  console.log(`  ${'function'.padEnd(24)} ${'bundle'.padStart(9)} ${'budget'.padStart(8)} ${'cold import'.padStart(12)} ${'× empty'.padStart(8)} ${'import'.padStart(9)} ${'heap'.padStart(8)}   top 5 contributors`);
  for (const b of built.filter((b) => b.name !== 'empty handler')) {
    const ms = median(samples.get(b.name)!.map((s) => s.ms));
    const importMs = median(samples.get(b.name)!.map((s) => s.importMs));
    const heap = median(samples.get(b.name)!.map((s) => s.heap));
    const top = contributors(b.metafile, root)
      .slice(0, 5)
      .map((c) => `${c.name} ${kb(c.bytes)}`)
      .join(', ');
    console.log(
      `  ${b.name.padEnd(24)} ${kb(b.bytes).padStart(9)} ${kb(bundleBudget(b.name)).replace('.0', '').padStart(8)} ${`${ms.toFixed(1)} ms`.padStart(12)} ${(ms / emptyMs).toFixed(2).padStart(8)} ${`${importMs.toFixed(1)} ms`.padStart(9)} ${kb(heap).replace(/\.\d/, '').padStart(8)}   ${top}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await printBundles(path.resolve(import.meta.dirname, '../..'));
}
