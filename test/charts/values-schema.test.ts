/**
 * values.schema.json (which Helm checks on install and upgrade) accepts the chart's own values.yaml and the full
 * example, refuses typos and bad values, and every value is documented in docs/helm.md.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { CHART_DIR } from '../support/helm-render.ts';

const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
const defaults = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Record<string, unknown>;
const full = parse(readFileSync(new URL('./values-full.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;

/** Helm coalesces user values over values.yaml before validating; maps merge, anything else replaces. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const isMap = (v: unknown): v is Record<string, unknown> =>
      typeof v === 'object' && v !== null && !Array.isArray(v);
    out[key] = isMap(current) && isMap(value) ? merge(current, value) : value;
  }
  return out;
}

function errorsOf(values: Record<string, unknown>): string {
  return validate(values) ? '' : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`).join('; ');
}

describe('values.schema.json', () => {
  it('accepts values.yaml and values.yaml with values-full.yaml', () => {
    assert.equal(errorsOf(defaults), '');
    assert.equal(errorsOf(merge(defaults, full)), '');
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['a misspelt key', { operator: { replica: 3 } }, /must NOT have additional properties/],
    ['an unknown top-level key', { opertor: {} }, /must NOT have additional properties/],
    ['replicas as a string', { operator: { replicas: '2' } }, /\/operator\/replicas must be integer/],
    ['a pull policy Kubernetes does not know', { image: { pullPolicy: 'Sometimes' } }, /pullPolicy must be equal/],
    [
      'a lease duration that is not a Go duration',
      { operator: { leaderElection: { leaseDuration: '15' } } },
      /pattern/,
    ],
    ['a provider without issuer', { provider: { enabled: true, spec: {} } }, /must have required property 'issuer'/],
    ['an error ratio above 1', { prometheusRule: { grantErrorRatio: 2 } }, /must be <= 1/],
    ['a port out of range', { operator: { healthPort: 70000 } }, /must be <= 65535/],
    ['a digest that is not sha256', { image: { digest: 'latest' } }, /pattern/],
  ];
  for (const [label, values, message] of bad) {
    it(`refuses ${label}`, () => {
      assert.match(errorsOf(merge(defaults, values)), message);
    });
  }

  it('docs/helm.md documents every value of values.yaml', () => {
    const docs = readFileSync(new URL('../../docs/helm.md', import.meta.url), 'utf8');
    // Objects whose content is a Kubernetes type (resources, security contexts) are documented as a whole.
    const opaque = new Set(['resources', 'podSecurityContext', 'securityContext', 'leaderElection']);
    const paths: string[] = [];
    const walk = (value: unknown, path: string): void => {
      const key = path.split('.').pop() ?? '';
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && !opaque.has(key)) {
        const entries = Object.entries(value);
        if (entries.length > 0) {
          for (const [k, v] of entries) walk(v, path ? `${path}.${k}` : k);
          return;
        }
      }
      paths.push(path);
    };
    walk(defaults, '');
    const missing = paths.filter((path) => !docs.includes(`\`${path}\``));
    assert.deepEqual(missing, []);
  });
});
