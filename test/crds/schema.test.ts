/**
 * Pure checks of the CRD files: every field is documented, the subresources and printer columns point at fields that
 * exist, the immutability rules are there, patterns work in JavaScript as in Go, samples pass an offline validation,
 * and stripping what old servers do not know removes nothing else.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { stripUnsupported, UNSUPPORTED_SCHEMA_KEYS } from '../support/crd-compat.ts';
import { crdValidator } from '../support/crd-ajv.ts';
import { CRDS_DIR, loadCrds, type CrdDocument, type JsonSchema } from '../support/crds.ts';

/** Every schema node below `schema`, with its dotted path (`[]` for array items, `{}` for map values). */
function* walk(schema: JsonSchema, path: string): Generator<[string, JsonSchema]> {
  yield [path, schema];
  for (const [key, child] of Object.entries(schema.properties ?? {})) yield* walk(child, path ? `${path}.${key}` : key);
  if (schema.items) yield* walk(schema.items, `${path}[]`);
  if (typeof schema.additionalProperties === 'object') yield* walk(schema.additionalProperties, `${path}{}`);
}

function rootSchema(crd: CrdDocument): JsonSchema {
  return crd.spec.versions[0].schema.openAPIV3Schema;
}

/** The schema node at a `.a.b` JSON path (as subresources and printer columns give them). */
function nodeAt(crd: CrdDocument, jsonPath: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = rootSchema(crd);
  for (const segment of jsonPath.replace(/^\./, '').split('.')) {
    const name = segment.replace(/\[.*\]$/, '');
    node = node?.properties?.[name];
    if (node && segment !== name) node = node.items;
  }
  return node;
}

const crds = loadCrds();

describe('CRD files', () => {
  for (const crd of crds) {
    const name = crd.metadata.name;

    it(`${name}: every field has a description`, () => {
      const missing = [...walk(rootSchema(crd), '')]
        // Kubernetes forbids anything but `type` on the root metadata; map values and list items are described by
        // their parent field.
        .filter(([path]) => path !== 'metadata' && !path.endsWith('{}') && !path.endsWith('[]'))
        .filter(([, node]) => typeof node.description !== 'string' || node.description.trim().length < 3)
        .map(([path]) => path || '(root)');
      assert.deepEqual(missing, []);
    });

    it(`${name}: every field has a type (structural schema)`, () => {
      const untyped = [...walk(rootSchema(crd), '')]
        .filter(([, node]) => node.type === undefined && node['x-kubernetes-int-or-string'] !== true)
        .map(([path]) => path);
      assert.deepEqual(untyped, []);
    });

    it(`${name}: every pattern compiles as a JavaScript unicode regular expression`, () => {
      for (const [path, node] of walk(rootSchema(crd), '')) {
        if (typeof node['pattern'] === 'string')
          assert.doesNotThrow(() => new RegExp(node['pattern'] as string, 'u'), path);
      }
    });

    it(`${name}: printer columns and subresource paths name declared fields`, () => {
      const version = crd.spec.versions[0] as unknown as {
        additionalPrinterColumns: { name: string; jsonPath: string }[];
        subresources: { status?: object; scale?: Record<string, string> };
      };
      assert.ok(version.subresources.status, 'status subresource');
      for (const column of version.additionalPrinterColumns) {
        const path = column.jsonPath.replace(/\[\?\(@\.type=="[A-Za-z]+"\)\]/, '[]');
        assert.ok(path === '.metadata.creationTimestamp' || nodeAt(crd, path), `${column.name}: ${column.jsonPath}`);
      }
      for (const path of Object.values(version.subresources.scale ?? {})) assert.ok(nodeAt(crd, path), path);
    });
  }

  it('OIDCProvider has the scale subresource on spec.replicas, status.replicas and status.selector', () => {
    const provider = crds.find((c) => c.spec.names.kind === 'OIDCProvider')!;
    const version = provider.spec.versions[0] as unknown as { subresources: { scale: Record<string, string> } };
    assert.deepEqual(version.subresources.scale, {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    });
    assert.equal(nodeAt(provider, '.spec.replicas')?.type, 'integer');
  });

  it('OIDCClient spec.providerRef and spec.clientId are immutable (CEL transition rules)', () => {
    const client = crds.find((c) => c.spec.names.kind === 'OIDCClient')!;
    for (const path of ['.spec.providerRef', '.spec.clientId']) {
      const rules = nodeAt(client, path)?.['x-kubernetes-validations'] as { rule: string }[] | undefined;
      assert.deepEqual(
        rules?.map((r) => r.rule),
        ['self == oldSelf'],
        path,
      );
    }
  });

  it('every sample passes an offline validation that rejects undeclared fields', () => {
    const samplesDir = join(CRDS_DIR, 'samples');
    const validators = new Map<string, ReturnType<typeof crdValidator>>();
    for (const file of readdirSync(samplesDir).filter((f) => f.endsWith('.yaml'))) {
      const sample = parse(readFileSync(join(samplesDir, file), 'utf8')) as { kind: string };
      let validate = validators.get(sample.kind);
      if (!validate) validators.set(sample.kind, (validate = crdValidator(sample.kind, { rejectUnknownFields: true })));
      assert.deepEqual(validate(sample), [], file);
    }
  });
});

describe('YAML files in crds/', () => {
  const files = readdirSync(CRDS_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));

  // kubectl reads YAML 1.1, where a bare y, n, yes, no, on, off is a boolean and 010 is octal; editors, the yaml
  // package and most readers use YAML 1.2, where they are strings and decimals. A file must mean the same in both
  // (quote such words), or what kubectl applies differs from what the tests and the docs generator read.
  for (const file of files) {
    it(`${file} means the same in YAML 1.1 (kubectl) and YAML 1.2`, () => {
      const text = readFileSync(join(CRDS_DIR, file), 'utf8');
      assert.deepEqual(parse(text, { version: '1.1' }), parse(text, { version: '1.2' }));
    });
  }

  it('the check above catches a bare n', () => {
    assert.notDeepEqual(parse('required: [n, e]', { version: '1.1' }), parse('required: [n, e]', { version: '1.2' }));
  });
});

describe('stripUnsupported', () => {
  it('removes x-kubernetes-validations at every depth and nothing else, without touching its input', () => {
    for (const crd of crds) {
      const before = JSON.stringify(crd);
      const stripped = stripUnsupported(crd);
      assert.equal(JSON.stringify(crd), before, 'input unchanged');
      assert.ok(before.includes('"x-kubernetes-validations"'), `${crd.metadata.name} has CEL rules to strip`);
      for (const key of UNSUPPORTED_SCHEMA_KEYS) assert.ok(!JSON.stringify(stripped).includes(`"${key}"`));
      const withoutRules = JSON.parse(before, (key, value: unknown) =>
        UNSUPPORTED_SCHEMA_KEYS.includes(key) ? undefined : value,
      ) as unknown;
      assert.deepEqual(stripped, withoutRules);
    }
  });
});
