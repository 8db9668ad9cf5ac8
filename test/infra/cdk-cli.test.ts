import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contextWith } from './synth';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('npx cdk synth', () => {
  it('exits non-zero and prints the config problem when -c omnihub is invalid', () => {
    // Prepare
    const bad = JSON.stringify(contextWith('hubspot', { batchSize: 500 }));
    const { NODE_ENV: _testMode, ...env } = process.env;

    // Act
    const run = spawnSync('npx', ['cdk', 'synth', '--quiet', '-c', `omnihub=${bad}`], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: '1' },
      timeout: 120_000,
    });

    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('omnihub.connectors.hubspot.batchSize');
    expect(run.stderr).toContain('expected: a number ≤ 100');
    expect(run.stdout).not.toContain('Resources:');
  });
});
