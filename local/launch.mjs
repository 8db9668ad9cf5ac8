// `npm start`: runs local/start.ts as one esbuild bundle of omnihub's own TypeScript, its
// packages loaded by Node as they are. Plain JavaScript, so nothing compiles it: loading
// start.ts through tsx's loader costs a few seconds of a second start and tens of MB, and
// esbuild bundles these files in well under a second. `node --import tsx local/start.ts`
// still runs the same code unbundled.
//
// Code splitting keeps start.ts's `import()`s lazy, so DynamoDB Local's JVM starts before
// the rest loads. The chunks are written under their content hash into .omnihub/, each to a
// temporary name and renamed: two hubs starting at once never read a half-written file.
// Each module keeps its own `import.meta.url` (start.ts finds the repository from it, the
// catalog its bundle aliases), as when run unbundled.
// https://esbuild.github.io/api/#splitting
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop, transform } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, '.omnihub');

/**
 * `import.meta.url` in a bundle is the bundle's; this gives each source file its own, through
 * esbuild's define (syntax-aware: a string that merely contains the words is left alone).
 * https://esbuild.github.io/plugins/#on-load
 */
const ownImportMetaUrl = {
  name: 'omnihub-own-import-meta-url',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async ({ path: file }) => {
      const source = await readFile(file, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const { code } = await transform(source, {
        loader: 'ts',
        format: 'esm',
        sourcefile: file,
        sourcemap: 'inline',
        define: { 'import.meta.url': JSON.stringify(pathToFileURL(file).href) },
      });
      return { contents: code, loader: 'js' };
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: [path.join(root, 'local/start.ts')],
  outdir,
  entryNames: 'start-[hash]',
  chunkNames: 'start-chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  packages: 'external',
  platform: 'node',
  target: 'node24',
  format: 'esm',
  sourcemap: 'linked',
  write: false,
  metafile: true,
  plugins: [ownImportMetaUrl],
  logLevel: 'error',
});
await stop();

await mkdir(outdir, { recursive: true });
await Promise.all(
  result.outputFiles.map(async (file) => {
    if (existsSync(file.path)) return; // content-addressed: already written, byte for byte
    const partial = `${file.path}.${randomUUID()}.tmp`;
    await writeFile(partial, file.contents);
    await rename(partial, file.path);
  }),
);
await removeOldChunks(new Set(result.outputFiles.map((f) => path.basename(f.path))));

// With splitting, every import() target is an entry point of its own: find start.ts's.
const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint === 'local/start.ts')?.[0];
if (!entry) throw new Error('esbuild produced no entry point for local/start.ts');
// Error stacks point into the TypeScript sources, as under tsx.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.resolve(root, entry)).href);

/** Bundles of earlier versions of start.ts, an hour old or more (a hub that started from one has loaded it long since). */
async function removeOldChunks(current) {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of await readdir(outdir)) {
    if (!name.startsWith('start-') || current.has(name)) continue;
    const file = path.join(outdir, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && info.mtimeMs < hourAgo) await rm(file, { force: true });
  }
}
