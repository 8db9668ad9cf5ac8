import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as registry from '../../../connectors/registry';
import { registryOf } from '../../../functions/one-connector-registry';

/** functions/one-connector-registry.ts narrows connectors/registry.ts as written to one connector for its receiver bundle. */
const source = readFileSync(new URL('../../../connectors/registry.ts', import.meta.url), 'utf8');

describe('the one-connector registry of a receiver bundle', () => {
  it('keeps the registry as written with only that connector\'s descriptor imported and listed', () => {
    // Act
    const narrowed = registryOf(source, 'square');

    // Assess
    expect(narrowed).toContain("import { squareDescriptor } from './square/descriptor';");
    expect(narrowed).toMatch(/export const descriptors: readonly ConnectorDescriptor\[\] = \[squareDescriptor\];/);
    for (const other of registry.descriptors.map((d) => d.manifest.id).filter((id) => id !== 'square')) expect(narrowed).not.toContain(`./${other}/descriptor`);
    expect(narrowed).toContain('export function descriptorOf(');
  });

  it('narrows a registry that exports only descriptors and descriptorOf (what it keeps as written)', () => {
    expect(Object.keys(registry).sort()).toEqual(['descriptorOf', 'descriptors']);
  });

  it('refuses a connector the registry does not list, and a registry it cannot read', () => {
    expect(() => registryOf(source, 'salesforce')).toThrow(/lists no connector "salesforce"/);
    expect(() => registryOf("import { aDescriptor } from './a/descriptor';\nexport const descriptors = listOf(aDescriptor);\n", 'a')).toThrow(/no `export const descriptors/);
  });
});
