import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manifests } from '../../connectors/manifests';
import { buildFunction } from '../../functions/build';
import { bundleBudget, functionEntries, receiverBundleDefine, receiverFunctionName } from '../../functions/catalog';
import { receivesWebhooks } from '../../infra/constructs/connector-secrets';
import { repoRoot } from '../../infra/constructs/omnihub-function';

/**
 * What each connector's receiver bundle holds (functions/one-connector-registry.ts): its own
 * connector's files and no other connector's, so a new connector grows no other receiver.
 */
const outDir = mkdtempSync(path.join(tmpdir(), 'omnihub-receivers-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const webhookConnectors = manifests.filter(receivesWebhooks).map((m) => m.id);
const folders = manifests.map((m) => m.id);

describe('webhook receiver bundles', () => {
  it.each(webhookConnectors)('bundles the %s receiver with only its own connector\'s code, within its budget', async (id) => {
    // Act
    const { bytes, metafile } = await buildFunction({
      entry: path.join(repoRoot, functionEntries['webhook-receiver']),
      outfile: path.join(outDir, `${receiverFunctionName(id)}.mjs`),
      define: receiverBundleDefine(id),
    });

    // Assess
    const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined)!;
    const connectorFolders = new Set(
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([file]) => /^connectors\/([a-z0-9-]+)\//.exec(file)?.[1])
        .filter((folder): folder is string => folder !== undefined && folders.includes(folder)),
    );
    expect([...connectorFolders]).toEqual([id]);
    // Its webhook verification and parsing are in (connectors/<id>/webhook.ts), no vendor SDK.
    expect(Object.keys(output.inputs)).toContain(`connectors/${id}/webhook.ts`);
    expect(Object.keys(output.inputs).filter((file) => /node_modules\/(@hubspot|shopify-api-node|square|klaviyo-api|twilio)\//.test(file))).toEqual([]);
    expect(bytes).toBeLessThanOrEqual(bundleBudget(receiverFunctionName(id)));
  }, 60_000);
});
