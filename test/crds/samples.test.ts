/**
 * Every sample in `crds/samples/` is accepted by a real API server, through kubectl as a user would apply it, and
 * reads back with the fields it was written with.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { CRDS_DIR, installCrds } from '../support/crds.ts';
import { dryRunCreate } from '../support/custom-resources.ts';
import { applyManifest, kubectl } from '../support/kubectl.ts';

const SAMPLES_DIR = join(CRDS_DIR, 'samples');
const samples = readdirSync(SAMPLES_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

interface Sample {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

describe('CRD samples (real kube-apiserver)', () => {
  let cp: ControlPlane | undefined;
  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
  });
  after(async () => {
    await cp?.stop();
  });

  it('there are samples of both kinds', () => {
    const kinds = new Set(samples.map((name) => sampleObject(name).kind));
    assert.deepEqual([...kinds].sort(), ['OIDCClient', 'OIDCProvider']);
    assert.ok(samples.length >= 5, `only ${samples.length} samples`);
  });

  for (const name of samples) {
    it(`${name} passes kubectl and server validation and is stored as written`, async () => {
      const text = readFileSync(join(SAMPLES_DIR, name), 'utf8');
      const dryRun = await dryRunCreate(cp!, text, 'kubectl');
      assert.equal(dryRun.code, 0, dryRun.stderr);

      await applyManifest(cp!, text, '--namespace=default');
      const sample = sampleObject(name);
      const stored = JSON.parse(
        await kubectl(cp!, 'get', `${sample.kind.toLowerCase()}.kubeoidc.dev`, sample.metadata.name, '-o', 'json'),
      ) as Sample;
      // Every field the sample sets survives (nothing pruned); the server may only add defaults.
      assertContains(stored.spec, sample.spec, 'spec');
    });
  }
});

function sampleObject(name: string): Sample {
  return parse(readFileSync(join(SAMPLES_DIR, name), 'utf8')) as Sample;
}

/** Asserts that `actual` holds every value of `expected` (objects may have more keys; arrays must be equal). */
function assertContains(actual: unknown, expected: unknown, path: string): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === 'object', `${path} is missing`);
    for (const [key, value] of Object.entries(expected)) {
      assertContains((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
    return;
  }
  assert.deepEqual(actual, expected, path);
}
