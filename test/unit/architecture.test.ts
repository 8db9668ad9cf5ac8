import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/pipeline';

/**
 * Dependencies point inward: core imports nothing of the repo; connectors import core; the
 * CDK app sees connectors only through their manifests (no vendor SDK at synth); vendor
 * SDKs are imported only inside their connector's folder.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return sourceFiles(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)].map((m) => (m[1] ?? m[2])!);
}

/** Repo-relative targets of a file's relative imports. */
function repoImports(file: string): string[] {
  return imports(file)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.relative(root, path.resolve(path.join(root, path.dirname(file)), spec)));
}

const VENDOR_SDKS: Record<string, string> = {
  'shopify-api-node': 'connectors/shopify/',
  '@hubspot/api-client': 'connectors/hubspot/',
  square: 'connectors/square/',
  'klaviyo-api': 'connectors/klaviyo/',
  twilio: 'connectors/twilio/',
};

describe('architecture', () => {
  it('keeps core free of every other layer', () => {
    const offending = sourceFiles('core').flatMap((f) => repoImports(f).filter((t) => !t.startsWith('core')).map((t) => `${f} → ${t}`));
    expect(offending).toEqual([]);
  });

  it('lets connectors import only core and connectors', () => {
    const offending = sourceFiles('connectors').flatMap((f) =>
      repoImports(f).filter((t) => !t.startsWith('core') && !t.startsWith('connectors')).map((t) => `${f} → ${t}`),
    );
    expect(offending).toEqual([]);
  });

  it('lets the CDK app see connectors through their manifests only', () => {
    const allowed = (t: string) =>
      t.startsWith('infra') || t.startsWith('core') || t === 'functions/catalog' || t === 'connectors/manifests' || t === 'connectors/registry' || t === 'connectors/descriptor' || t === 'connectors/connector';
    const offending = sourceFiles('infra').flatMap((f) => repoImports(f).filter((t) => !allowed(t)).map((t) => `${f} → ${t}`));
    expect(offending).toEqual([]);
  });

  it('names each connector folder in one place: the registry (one folder and one line per connector)', () => {
    const intoFolder = (t: string) => /^connectors\/[a-z-]+\//.test(t) && !t.startsWith('connectors/testing/');
    const folderOf = (t: string) => t.split('/').slice(0, 2).join('/');
    const offending = ['core', 'connectors', 'functions', 'infra', 'local', 'bin'].flatMap((dir) =>
      sourceFiles(dir).flatMap((f) =>
        repoImports(f)
          .filter((t) => intoFolder(t) && !f.startsWith(`${folderOf(t)}/`))
          .filter((t) => !(f === 'connectors/registry.ts' && /\/descriptor$/.test(t)))
          .map((t) => `${f} → ${t}`),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('imports a vendor SDK only inside its connector folder', () => {
    const offending = ['core', 'connectors', 'functions', 'infra', 'local', 'bin'].flatMap((dir) =>
      sourceFiles(dir).flatMap((f) =>
        imports(f)
          .filter((spec) => Object.keys(VENDOR_SDKS).some((sdk) => spec.startsWith(sdk)))
          .filter((spec) => !f.startsWith(VENDOR_SDKS[Object.keys(VENDOR_SDKS).find((sdk) => spec.startsWith(sdk))!]!))
          .map((spec) => `${f} → ${spec}`),
      ),
    );
    expect(offending).toEqual([]);
  });
});
