import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleFunctionHost, bundleFunctions } from '../../local/bundle';
import { build } from 'esbuild';
import { buildCached } from '../../local/bundle-cache';
import { root } from '../support/pipeline';

/**
 * `npm start` reuses last start's bundles when nothing they were built from changed, and
 * builds again when anything did: an input file, a setting, a key file, or the output itself.
 */
describe('bundle cache', () => {
  let project: string;
  const outfile = () => path.join(project, 'out', 'entry.mjs');
  const options = (extra: { define?: Record<string, string>; minify?: boolean } = {}) => ({
    absWorkingDir: project,
    entryPoints: [path.join(project, 'entry.ts')],
    outfile: outfile(),
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    sourcemap: true,
    logLevel: 'silent' as const,
    ...extra,
  });
  const keyFile = () => path.join(project, 'settings.json');
  /** The cache over a plain esbuild build of the project, with settings.json as its key file. */
  const cached = (extra: Parameters<typeof options>[0] = {}) => {
    const settings = options(extra);
    return buildCached({
      outfile: settings.outfile,
      settings,
      keyFiles: [keyFile()],
      workingDir: project,
      run: async () => ({ metafile: (await build({ ...settings, metafile: true })).metafile }),
    });
  };
  /** The id of the esbuild run that wrote the outputs, from the record beside them. */
  const buildId = async () => (JSON.parse(await readFile(`${outfile()}.inputs.json`, 'utf8')) as { build: string }).build;

  beforeEach(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'omnihub-bundle-cache-'));
    await writeFile(path.join(project, 'entry.ts'), "import { greeting } from './greeting';\nexport const handler = () => greeting;\n");
    await writeFile(path.join(project, 'greeting.ts'), "export const greeting: string = 'hello from the first build';\n");
    await writeFile(keyFile(), '{"minify":false}');
  });
  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('reuses the bundle, byte for byte, when no input changed', async () => {
    // Prepare
    const first = await cached();
    const firstBytes = await readFile(outfile());
    const firstBuild = await buildId();
    // Act
    const second = await cached();
    // Assess
    expect(first.fromCache).toBe(false);
    expect(second).toEqual({ file: outfile(), bytes: firstBytes.length, fromCache: true });
    expect((await readFile(outfile())).equals(firstBytes)).toBe(true);
    expect(await buildId()).toBe(firstBuild);
  });

  it('rebuilds when an imported file changes, and the bundle carries the change', async () => {
    // Prepare
    await cached();
    const firstBuild = await buildId();
    // Act
    await writeFile(path.join(project, 'greeting.ts'), "export const greeting: string = 'hello from the edit';\n");
    const rebuilt = await cached();
    // Assess
    const code = await readFile(outfile(), 'utf8');
    expect(rebuilt.fromCache).toBe(false);
    expect(await buildId()).not.toBe(firstBuild);
    expect(code).toContain('hello from the edit');
    expect(code).not.toContain('hello from the first build');
  });

  it('rebuilds when an input is deleted (the build then fails, as it should)', async () => {
    // Prepare
    await cached();
    // Act
    await rm(path.join(project, 'greeting.ts'));
    // Assess
    await expect(cached()).rejects.toThrow(/greeting/);
  });

  it('rebuilds when a build setting changes', async () => {
    // Prepare
    await cached();
    // Act
    const rebuilt = await cached({ define: { 'process.env.STAGE': '"local"' } });
    const minified = await cached({ minify: true });
    // Assess
    expect(rebuilt.fromCache).toBe(false);
    expect(minified.fromCache).toBe(false);
    expect(minified.bytes).toBeLessThan(rebuilt.bytes);
  });

  it('rebuilds when a key file (where the settings live) changes', async () => {
    // Prepare
    await cached();
    const firstBuild = await buildId();
    // Act
    await writeFile(keyFile(), '{"minify":true}');
    const rebuilt = await cached();
    // Assess
    expect(rebuilt.fromCache).toBe(false);
    expect(await buildId()).not.toBe(firstBuild);
  });

  it('rebuilds when the bundle or its source map was edited or removed since', async () => {
    // Prepare
    await cached();
    const original = await readFile(outfile(), 'utf8');
    // Act
    await writeFile(outfile(), `${original}\nexport const tampered = true;\n`);
    const afterEdit = await cached();
    const afterEditCode = await readFile(outfile(), 'utf8');
    await rm(`${outfile()}.map`);
    const afterRemoval = await cached();
    // Assess
    expect(afterEdit.fromCache).toBe(false);
    expect(afterEditCode).toBe(original);
    expect(afterRemoval.fromCache).toBe(false);
    expect((await readFile(`${outfile()}.map`, 'utf8')).length).toBeGreaterThan(0);
  });

  it('rebuilds when its record is unreadable', async () => {
    // Prepare
    await cached();
    // Act
    await writeFile(`${outfile()}.inputs.json`, '{"key":"not a hash"}');
    const rebuilt = await cached();
    // Assess
    expect(rebuilt.fromCache).toBe(false);
  });

  it("reuses every function's bundle and the worker host on a second start into the same folder", async () => {
    // Prepare
    const outDir = path.join(project, 'build');
    const first = await bundleFunctions(root, outDir, ['shopify', 'hubspot']);
    await bundleFunctionHost(root, outDir);
    const bytes = await Promise.all(Object.values(first).map((b) => readFile(b.file)));
    // Act
    const second = await bundleFunctions(root, outDir, ['shopify', 'hubspot']);
    const hostRecord = await readFile(path.join(outDir, 'function-host.mjs.inputs.json'), 'utf8');
    await bundleFunctionHost(root, outDir);
    // Assess
    expect(Object.values(first).map((b) => b.fromCache)).toEqual([false, false, false, false, false, false, false]);
    expect(Object.values(second).map((b) => [b.name, b.fromCache])).toEqual([
      ['webhook-receiver-shopify', true],
      ['webhook-receiver-hubspot', true],
      ['identity-resolver', true],
      ['sync-shopify', true],
      ['sync-hubspot', true],
      ['backfill-shopify', true],
      ['backfill-hubspot', true],
    ]);
    const again = await Promise.all(Object.values(second).map((b) => readFile(b.file)));
    expect(again.every((b, i) => b.equals(bytes[i]!))).toBe(true);
    // The host's record is left as it was: reused, not rewritten.
    expect(await readFile(path.join(outDir, 'function-host.mjs.inputs.json'), 'utf8')).toBe(hostRecord);
    // Each record names the function's own sources among its inputs.
    const record = JSON.parse(await readFile(`${second['sync-hubspot']!.file}.inputs.json`, 'utf8')) as { inputs: Record<string, string> };
    expect(Object.keys(record.inputs)).toContain(path.join(root, 'functions/connector-sync.ts'));
  }, 120_000);
});
