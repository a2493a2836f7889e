/**
 * docs/crds.md is generated from the CRDs: this fails when someone changes a CRD without regenerating it
 * (`node scripts/gen-crd-docs.ts`), and checks the reference covers every field.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DOC_PATH, renderCrdDocs } from '../../scripts/gen-crd-docs.ts';
import { loadCrds, type JsonSchema } from '../support/crds.ts';

function fieldPaths(node: JsonSchema, path: string): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const childPath = `${path}.${key}`;
    return [
      childPath,
      ...fieldPaths(child, childPath),
      ...(child.items ? fieldPaths(child.items, `${childPath}[]`) : []),
    ];
  });
}

describe('docs/crds.md', () => {
  it('is up to date with crds/ (regenerate with: node scripts/gen-crd-docs.ts)', async () => {
    assert.equal(readFileSync(DOC_PATH, 'utf8'), await renderCrdDocs());
  });

  it('documents every spec and status field of every CRD', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    for (const crd of loadCrds()) {
      const schema = crd.spec.versions[0].schema.openAPIV3Schema;
      assert.ok(doc.includes(`## ${crd.spec.names.kind}`), crd.spec.names.kind);
      for (const part of ['spec', 'status']) {
        for (const path of fieldPaths(schema.properties![part], part)) {
          assert.ok(doc.includes(`| \`${path}\``), `${crd.spec.names.kind} ${path}`);
        }
      }
    }
  });
});
