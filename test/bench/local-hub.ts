import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../local/dynamodb-local';
import { npmStartArgs } from '../support/npm-start';

/**
 * The local hub as a user runs it: `npm start` once with no bundle cache, then a few times
 * more with the cache and data the earlier starts left, each timed from spawn to ready
 * (banner printed and a webhook answered), and the resident memory of its whole process tree
 * (node, its worker threads, DynamoDB Local's JVM) sampled every 250 ms while it starts, is
 * used (sandbox edits synced across) and then idles.
 * Figures, not assertions. Linux only (reads /proc).
 */
export interface LocalHubFigures {
  firstStartMs: number;
  /** Each later start, with the bundle cache and the data the earlier ones left. */
  laterStartsMs: number[];
  /** Highest sampled RSS of the tree during the first start (esbuild bundling every function) and during the later ones. */
  firstPeakRssBytes: number;
  laterPeakRssBytes: number;
  /** After the last start was used (sandbox edits carried across) and left idle. */
  idleRssBytes: number;
  byProcess: Record<string, number>;
  /** CPU seconds (user + system) each process had used when the second start was ready. */
  cpuAtReady: Record<string, number>;
  /** The 1-minute load average before the first start: this machine's other work skews the times. */
  loadAverage: number;
}

export async function benchLocalHub(root: string, options: { idleMs?: number; laterStarts?: number } = {}): Promise<LocalHubFigures> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'omnihub-hub-bench-'));
  const idleMs = options.idleMs ?? 5_000;
  try {
    const env = { ...process.env, OMNIHUB_STATE_FILE: path.join(scratch, 'local.json'), OMNIHUB_DATA_DIR: path.join(scratch, 'data'), OMNIHUB_LOG: 'json' };
    const loadAverage = loadavg()[0]!;
    const first = await startHub(root, env, 0);
    await first.stop();
    const later: Array<Awaited<ReturnType<typeof startHub>>> = [];
    for (let i = 0; i < (options.laterStarts ?? 3); i++) {
      const last = i === (options.laterStarts ?? 3) - 1;
      const hub = await startHub(root, env, last ? idleMs : 0);
      await hub.stop();
      later.push(hub);
    }
    const second = later[0]!;
    const last = later.at(-1)!;
    return {
      firstStartMs: first.readyMs,
      laterStartsMs: later.map((h) => h.readyMs),
      firstPeakRssBytes: first.peakRssBytes,
      laterPeakRssBytes: Math.max(...later.map((h) => h.peakRssBytes)),
      idleRssBytes: last.idleRssBytes,
      byProcess: last.byProcess,
      cpuAtReady: second.cpuAtReady,
      loadAverage,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export function printLocalHub(figures: LocalHubFigures): void {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log('\nLocal hub (npm start: node + worker threads + DynamoDB Local JVM, summed over the process tree)');
  console.log(`  ${'first start to ready (no bundle cache)'.padEnd(52)} ${(figures.firstStartMs / 1000).toFixed(2)} s`);
  const later = [...figures.laterStartsMs].sort((a, b) => a - b);
  const median = later[Math.floor((later.length - 1) / 2)]!;
  console.log(
    `  ${'later starts to ready (bundle cache, kept data)'.padEnd(52)} median ${(median / 1000).toFixed(2)} s of ${figures.laterStartsMs.map((t) => (t / 1000).toFixed(2)).join(', ')} s`,
  );
  console.log(`  ${'peak RSS, first start / later starts'.padEnd(52)} ${mb(figures.firstPeakRssBytes)} / ${mb(figures.laterPeakRssBytes)}`);
  console.log(`  ${'idle RSS after use (sandbox edits synced)'.padEnd(52)} ${mb(figures.idleRssBytes)}`);
  for (const [name, bytes] of Object.entries(figures.byProcess)) console.log(`    ${name.padEnd(50)} ${mb(bytes)}`);
  const cpu = Object.entries(figures.cpuAtReady).map(([name, s]) => `${name} ${s.toFixed(2)} s`).join(', ');
  console.log(`  ${'CPU used by the second start until ready'.padEnd(52)} ${cpu}`);
  console.log(`  ${'load average before the starts (2 cores)'.padEnd(52)} ${figures.loadAverage.toFixed(2)}`);
}

/** One `npm start`, until ready, then some use and idleMs of idling. */
async function startHub(root: string, baseEnv: NodeJS.ProcessEnv, idleMs: number) {
  const port = await freePort();
  const args = await npmStartArgs(root);
  const started = performance.now();
  const hub = spawn(process.execPath, args, { cwd: root, env: { ...baseEnv, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  hub.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  hub.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let peakRssBytes = 0;
  const sampler = setInterval(() => {
    void treeRss(hub.pid!).then((t) => (peakRssBytes = Math.max(peakRssBytes, t.total)), () => undefined);
  }, 250);
  try {
    await until(() => output.includes('omnihub is running.'), 120_000, hub, () => output);
    // Ready means answering: an unsigned delivery gets the receiver's 401.
    await until(async () => (await fetch(`http://127.0.0.1:${port}/webhooks/shopify`, { method: 'POST', body: '{}' }).catch(() => undefined))?.status === 401, 30_000, hub, () => output);
    const readyMs = performance.now() - started;
    const atReady = await treeRss(hub.pid!);
    if (idleMs > 0) await useTheSandboxes(output, () => output.length);
    await new Promise((r) => setTimeout(r, idleMs));
    const idle = await treeRss(hub.pid!);
    peakRssBytes = Math.max(peakRssBytes, idle.total);
    return {
      readyMs,
      peakRssBytes,
      idleRssBytes: idle.total,
      byProcess: idle.byProcess,
      cpuAtReady: atReady.cpuSeconds,
      stop: () => stop(hub),
    };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * Some use before the idle figure, as the README's walkthrough does: every seeded Shopify
 * customer edited a few times through the sandbox, each edit carried to HubSpot. Waits
 * until the hub's output has been quiet for 2 s.
 */
async function useTheSandboxes(banner: string, outputLength: () => number): Promise<void> {
  const shopify = /Shopify\s+sandbox at (http:\/\/[\d.:]+)/.exec(banner)?.[1];
  if (!shopify) return;
  // Shopify's bare 64-bit ids: read them from the raw text, not through JSON.parse.
  const ids = [...(await (await fetch(`${shopify}/_sandbox/customers`)).text()).matchAll(/"id":(\d+),"email"/g)].map((m) => m[1]!);
  for (let round = 0; round < 3; round++) {
    for (const id of ids) {
      await fetch(`${shopify}/_sandbox/customers/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ first_name: `Bench${round}` }) });
    }
  }
  let last = -1;
  for (let waited = 0; waited < 60_000 && outputLength() !== last; waited += 2_000) {
    last = outputLength();
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

async function stop(hub: ChildProcess): Promise<void> {
  if (hub.exitCode !== null) return;
  const exited = new Promise((resolve) => hub.once('exit', resolve));
  hub.kill('SIGTERM');
  await exited;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, hub: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (hub.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not get ready:\n${output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Resident memory of `pid` and every descendant, from /proc/<pid>/status VmRSS
 * (https://man7.org/linux/man-pages/man5/proc_pid_status.5.html); worker threads share their process's.
 */
async function treeRss(pid: number): Promise<{ total: number; byProcess: Record<string, number>; cpuSeconds: Record<string, number> }> {
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may hold spaces, inside parentheses): state, ppid, ...; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parents.set(Number(entry), Number(fields[1]));
    // In clock ticks, 100 a second on Linux (sysconf(_SC_CLK_TCK)).
    cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  const byProcess: Record<string, number> = {};
  const cpuSeconds: Record<string, number> = {};
  let total = 0;
  for (const p of tree) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    const name = /Name:\s+(.+)/.exec(status)?.[1] ?? String(p);
    byProcess[name] = (byProcess[name] ?? 0) + kb * 1024;
    cpuSeconds[name] = (cpuSeconds[name] ?? 0) + (cpu.get(p) ?? 0);
    total += kb * 1024;
  }
  return { total, byProcess, cpuSeconds };
}
