import { Worker } from 'node:worker_threads';
import { createInterface } from 'node:readline';

/**
 * One Lambda function, locally: a pool of worker threads (execution environments), each
 * with its own copy of the function's environment variables and module state, each
 * running one invocation at a time. More than one worker is what lets two events for the
 * same customer really race, as they do in AWS.
 */
export interface InvokeResult {
  result?: unknown;
  error?: { name?: string; message: string; stack?: string };
  durationMs: number;
  capacity?: { readUnits: number; strongReadUnits?: number; writeUnits: number };
}

interface Slot {
  worker: Worker;
  busy: boolean;
  /** The invocation this worker is running. */
  running?: number;
}

export class LocalFunction {
  readonly initMs: number[] = [];
  /**
   * Running totals over every invocation: what the benchmark reports per update and prices
   * (test/bench/cost.ts). billedMs rounds each invocation up to the next 1 ms, as Lambda bills;
   * logBytes counts the bytes of every line the function wrote, by its JSON "level".
   */
  readonly totals = {
    invocations: 0,
    errors: 0,
    durationMs: 0,
    billedMs: 0,
    readUnits: 0,
    strongReadUnits: 0,
    writeUnits: 0,
    crashes: 0,
    logLines: 0,
    logBytes: {} as Record<string, number>,
  };
  private slots: Slot[] = [];
  private waiting: Array<(slot: Slot) => void> = [];
  private pending = new Map<number, (r: InvokeResult) => void>();
  private nextId = 1;

  constructor(
    readonly name: string,
    private readonly options: {
      hostFile: string;
      bundle: string;
      env: Record<string, string>;
      poolSize: number;
      timeoutMs: number;
      onLog: (line: string, functionName: string) => void;
      /** Tag every outgoing HTTP request with this header (`<name>#<invocation id>`), for crash injection. */
      invocationHeader?: string;
    },
  ) {}

  private started: Promise<void> | undefined;

  /** Spawns the workers (once); `invoke` starts a function nobody started (the rarely used backfill). */
  start(): Promise<void> {
    this.started ??= (async () => {
      for (let i = 0; i < this.options.poolSize; i++) await this.spawn();
    })();
    return this.started;
  }

  get capacity(): number {
    return this.options.poolSize;
  }

  get idleSlots(): number {
    return this.slots.filter((s) => !s.busy).length;
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    await this.start();
    const slot = await this.acquire();
    try {
      const id = this.nextId++;
      const done = new Promise<InvokeResult>((resolve) => this.pending.set(id, resolve));
      slot.running = id;
      slot.worker.postMessage({ id, event });
      const outcome = await done;
      this.totals.invocations++;
      if (outcome.error) this.totals.errors++;
      this.totals.durationMs += outcome.durationMs;
      this.totals.billedMs += Math.ceil(outcome.durationMs);
      this.totals.readUnits += outcome.capacity?.readUnits ?? 0;
      this.totals.strongReadUnits += outcome.capacity?.strongReadUnits ?? 0;
      this.totals.writeUnits += outcome.capacity?.writeUnits ?? 0;
      return outcome;
    } finally {
      slot.running = undefined;
      this.release(slot);
    }
  }

  /**
   * Crashes invocation `id` as a Lambda execution environment dies mid-invocation: the worker
   * is terminated (nothing after this point runs, no result is returned), the invocation
   * fails with Runtime.ExitError (so an SQS batch becomes visible again after its visibility
   * delay and is redelivered), and a fresh worker (a cold start) takes the slot. Resolves
   * once the worker is dead; false when `id` is not running.
   */
  async crash(id: number): Promise<boolean> {
    const slot = this.slots.find((s) => s.running === id);
    const settle = this.pending.get(id);
    if (!slot || !settle) return false;
    this.pending.delete(id);
    this.totals.crashes++;
    await slot.worker.terminate();
    void this.createWorker().then(
      (worker) => {
        slot.worker = worker;
        settle({ error: { name: 'Runtime.ExitError', message: `RequestId: local-${id} Error: Runtime exited (crash injected)` }, durationMs: 0 });
      },
      (error: unknown) => settle({ error: { name: 'Runtime.InitError', message: String(error) }, durationMs: 0 }),
    );
    return true;
  }

  /** V8 heap in use across this function's workers, in bytes. */
  async heapUsed(): Promise<number> {
    const stats = await Promise.all(this.slots.map((s) => s.worker.getHeapStatistics()));
    return stats.reduce((sum, h) => sum + h.used_heap_size, 0);
  }

  async stop(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }

  private async spawn(): Promise<void> {
    this.slots.push({ worker: await this.createWorker(), busy: false });
  }

  private async createWorker(): Promise<Worker> {
    const worker = new Worker(this.options.hostFile, {
      workerData: { bundle: this.options.bundle, functionName: this.name, timeoutMs: this.options.timeoutMs, invocationHeader: this.options.invocationHeader },
      env: { ...process.env, ...this.options.env },
      // punycode and url.parse (inside a vendor SDK's HTTP stack) warn on every start; not ours to fix.
      execArgv: [...withoutTsx(process.execArgv), '--disable-warning=DEP0040', '--disable-warning=DEP0169'],
      stdout: true,
      stderr: true,
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.countLogLine(line);
        this.options.onLog(line, this.name);
      });
    }
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (message: { kind: string; id?: number; initMs?: number } & InvokeResult) => {
        if (message.kind === 'ready') {
          this.initMs.push(message.initMs ?? 0);
          resolve();
          return;
        }
        const settle = this.pending.get(message.id ?? -1);
        this.pending.delete(message.id ?? -1);
        settle?.({ result: message.result, error: message.error, durationMs: message.durationMs, capacity: message.capacity });
      });
      worker.once('error', (error) => reject(new Error(`${this.name} failed to start: ${error.message}`)));
    });
    return worker;
  }

  /** CloudWatch Logs bills the bytes ingested: count each line under its level (TEXT when it is not JSON). */
  private countLogLine(line: string): void {
    let level = 'TEXT';
    try {
      const parsed = JSON.parse(line) as { level?: unknown };
      if (typeof parsed.level === 'string') level = parsed.level.toUpperCase();
    } catch {
      /* a plain-text line (a runtime warning) */
    }
    this.totals.logLines++;
    this.totals.logBytes[level] = (this.totals.logBytes[level] ?? 0) + Buffer.byteLength(line);
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }
}

/**
 * The parent's Node options minus tsx's loader (`--import tsx`, or the `--require`/`--import`
 * pair the tsx CLI adds): a worker runs a bundle, already JavaScript, and tsx's loader would
 * cost each worker its own module-hooks thread and tens of MB.
 */
export function withoutTsx(execArgv: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const loadsModule = flag === '--import' || flag === '--require' || flag === '-r' || flag === '--loader' || flag === '--experimental-loader';
    const value = inline ?? (loadsModule ? execArgv[i + 1] : undefined);
    if (loadsModule && value !== undefined && /(^|[\\/])tsx([\\/]|$)/.test(value)) {
      if (inline === undefined) i++;
      continue;
    }
    kept.push(arg);
  }
  return kept;
}
