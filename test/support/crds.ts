/**
 * kubeoidc's CustomResourceDefinitions for tests: read from `crds/`, installed into a test control plane.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ControlPlane } from './control-plane.ts';
import { stripUnsupported } from './crd-compat.ts';
import { applyManifest, kubectl } from './kubectl.ts';

/** The repository's `crds/` folder. */
export const CRDS_DIR = fileURLToPath(new URL('../../crds/', import.meta.url));

/** A CustomResourceDefinition as parsed from YAML (only the parts tests read are typed). */
export interface CrdDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string; plural: string; shortNames?: string[] };
    versions: { name: string; schema: { openAPIV3Schema: JsonSchema } }[];
  };
}

/** A node of an OpenAPI v3 schema as CRDs use it. */
export interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  [keyword: string]: unknown;
}

/** File names of the CRDs in `crds/`, sorted. */
export function crdFiles(): string[] {
  return readdirSync(CRDS_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
}

/** Parses every CRD in `crds/`. */
export function loadCrds(): CrdDocument[] {
  return crdFiles().map((name) => parse(readFileSync(join(CRDS_DIR, name), 'utf8')) as CrdDocument);
}

/** The `openAPIV3Schema` of the CRD whose kind is `kind`. */
export function crdSchema(kind: string): JsonSchema {
  const crd = loadCrds().find((c) => c.spec.names.kind === kind);
  if (crd === undefined) throw new Error(`no CRD for kind ${kind} in ${CRDS_DIR}`);
  const version = crd.spec.versions.at(0);
  if (version === undefined) throw new Error(`CRD ${crd.metadata.name} has no versions`);
  return version.schema.openAPIV3Schema;
}

/**
 * Installs every CRD (without what the test server does not know, see `crd-compat.ts`) and waits until each is
 * Established and its schema is in the server's OpenAPI document, so custom resources can be created right after
 * and kubectl validates them (kubectl skips client-side validation of a kind the document does not have yet).
 */
export async function installCrds(cp: ControlPlane): Promise<void> {
  const crds = loadCrds();
  await applyManifest(cp, crds.map(stripUnsupported));
  await kubectl(
    cp,
    'wait',
    '--for=condition=Established',
    '--timeout=180s',
    ...crds.map((crd) => `customresourcedefinition/${crd.metadata.name}`),
  );
  // A hang guard, not a speed check: on a loaded 2-core machine the API server takes well over a minute to republish.
  await waitForOpenApi(cp, crds, 180_000);
}

/** Definition names the API server gives custom kinds in /openapi/v2, e.g. `dev.kubeoidc.v1alpha1.OIDCProvider`. */
function openApiName(crd: CrdDocument): string {
  const reversedGroup = crd.spec.group.split('.').reverse().join('.');
  return `${reversedGroup}.${crd.spec.versions[0]?.name ?? ''}.${crd.spec.names.kind}`;
}

async function waitForOpenApi(cp: ControlPlane, crds: CrdDocument[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = crds.map(openApiName);
  for (;;) {
    const document = JSON.parse(await kubectl(cp, 'get', '--raw', '/openapi/v2')) as { definitions?: object };
    const missing = wanted.filter((name) => !(name in (document.definitions ?? {})));
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`not in the OpenAPI document after ${timeoutMs} ms: ${missing.join(', ')}`);
    await sleep(1_000); // every probe downloads the whole document: do not add to the load we are waiting out
  }
}
