/**
 * The CRDs' CEL rules, evaluated as a Kubernetes 1.25+ API server would: the real (1.20) server validates and
 * defaults each object (server-side dry run), then @bufbuild/cel runs every rule on the defaulted result. The 1.20
 * server itself ignores CEL; the last test pins that down, because it is why the operator must check these rules too.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { celRules, celViolations, evaluateRule, type CelRule } from '../support/cel.ts';
import { CRDS_DIR, crdSchema, installCrds } from '../support/crds.ts';
import { dryRunCreate } from '../support/custom-resources.ts';
import { applyManifest, kubectl } from '../support/kubectl.ts';

type Kind = 'OIDCProvider' | 'OIDCClient';
type Spec = Record<string, unknown>;

const rules: Record<Kind, CelRule[]> = {
  OIDCProvider: celRules(crdSchema('OIDCProvider')),
  OIDCClient: celRules(crdSchema('OIDCClient')),
};

const baseSpec: Record<Kind, Spec> = {
  OIDCProvider: { issuer: 'https://login.example.com', redis: { url: 'redis://redis:6379' } },
  OIDCClient: { providerRef: { name: 'login' }, redirectUris: ['https://app.example.com/callback'] },
};

interface CelCase {
  name: string;
  kind: Kind;
  /** The spec, changed from the base spec (before server defaulting). */
  spec: (base: Spec) => Spec;
  /** Makes the case an update: the spec of the stored object the change is applied to. Absent: a create. */
  old?: (base: Spec) => Spec;
  /** Messages of the rules it must break; empty when it must pass. */
  expect: string[];
}

const cases: CelCase[] = [
  { name: 'the base provider', kind: 'OIDCProvider', spec: (s) => s, expect: [] },
  {
    name: 'Ingress enabled without a host',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, ingress: { enabled: true } }),
    expect: ['ingress.host is required when ingress.enabled is true'],
  },
  {
    name: 'Ingress enabled with a host',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, ingress: { enabled: true, host: 'login.example.com' } }),
    expect: [],
  },
  {
    name: 'Ingress disabled without a host',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, ingress: { className: 'nginx' } }),
    expect: [],
  },
  {
    name: 'autoscaling minimum above its maximum',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 3 } }),
    expect: ['autoscaling.minReplicas must not exceed autoscaling.maxReplicas'],
  },
  {
    name: 'autoscaling minimum above the default maximum (10)',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, autoscaling: { enabled: true, minReplicas: 12 } }),
    expect: ['autoscaling.minReplicas must not exceed autoscaling.maxReplicas'],
  },
  {
    name: 'autoscaling minimum equal to its maximum',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 3 } }),
    expect: [],
  },
  {
    name: 'password Secret next to a plain Redis URL',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, redis: { url: 'redis://redis:6379', passwordSecretRef: { name: 'r', key: 'p' } } }),
    expect: ['passwordSecretRef applies to sentinel and cluster only; put the password in the URL otherwise'],
  },
  {
    name: 'password Secret for Sentinel',
    kind: 'OIDCProvider',
    spec: (s) => ({
      ...s,
      redis: { sentinel: { masterName: 'm', sentinels: ['s:26379'] }, passwordSecretRef: { name: 'r', key: 'p' } },
    }),
    expect: [],
  },
  {
    name: 'pushed authorization requests required but disabled',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, features: { pushedAuthorizationRequests: { enabled: false, required: true } } }),
    expect: ['pushedAuthorizationRequests.required needs pushedAuthorizationRequests.enabled'],
  },
  {
    name: 'pushed authorization requests required (enabled by default)',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, features: { pushedAuthorizationRequests: { required: true } } }),
    expect: [],
  },
  {
    name: 'propagation delay longer than the rotation period',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { rotationPeriod: '1h', propagationDelay: '90m' } }),
    expect: ['signing.propagationDelay must be shorter than signing.rotationPeriod'],
  },
  {
    name: 'propagation delay longer than the default rotation period (720h)',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { propagationDelay: '1000h' } }),
    expect: ['signing.propagationDelay must be shorter than signing.rotationPeriod'],
  },
  {
    name: 'mixed-unit durations',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { rotationPeriod: '1h30m', propagationDelay: '89m59s' } }),
    expect: [],
  },
  {
    name: 'retention margins of 0s',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { retention: { podPropagationMargin: '0s', clockSkewMargin: '0s' } } }),
    expect: [],
  },
  {
    name: 'retention margins above 24h',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { retention: { podPropagationMargin: '24h1s', clockSkewMargin: '1440m' } } }),
    expect: ['signing.retention.podPropagationMargin must be at most 24h'],
  },
  {
    name: 'clock skew margin above 24h',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { retention: { clockSkewMargin: '25h' } } }),
    expect: ['signing.retention.clockSkewMargin must be at most 24h'],
  },
  { name: 'the base client', kind: 'OIDCClient', spec: (s) => s, expect: [] },
  {
    name: 'providerRef changed',
    kind: 'OIDCClient',
    old: (s) => s,
    spec: (s) => ({ ...s, providerRef: { name: 'other' } }),
    expect: ['providerRef is immutable'],
  },
  {
    name: 'clientId changed',
    kind: 'OIDCClient',
    old: (s) => ({ ...s, clientId: 'web' }),
    spec: (s) => ({ ...s, clientId: 'web2' }),
    expect: ['clientId is immutable'],
  },
  {
    name: 'clientId added after creation',
    kind: 'OIDCClient',
    old: (s) => s,
    spec: (s) => ({ ...s, clientId: 'web' }),
    expect: ['clientId cannot be added or removed after creation'],
  },
  {
    name: 'clientId removed',
    kind: 'OIDCClient',
    old: (s) => ({ ...s, clientId: 'web' }),
    spec: (s) => s,
    expect: ['clientId cannot be added or removed after creation'],
  },
  {
    name: 'other fields changed on an update',
    kind: 'OIDCClient',
    old: (s) => ({ ...s, clientId: 'web' }),
    spec: (s) => ({ ...s, clientId: 'web', clientName: 'Renamed', scopes: ['openid', 'email'] }),
    expect: [],
  },
  {
    name: 'private_key_jwt without keys',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, tokenEndpointAuthMethod: 'private_key_jwt' }),
    expect: ['private_key_jwt needs jwks or jwksUri'],
  },
  {
    name: 'private_key_jwt with a jwksUri',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://app.example.com/jwks' }),
    expect: [],
  },
  {
    name: 'authorization_code (the default grant) without redirect URIs',
    kind: 'OIDCClient',
    spec: (s) => ({ providerRef: s['providerRef'] }),
    expect: ['the authorization_code grant needs at least one redirectUri'],
  },
  {
    name: 'authorization_code with an empty redirect URI list',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, redirectUris: [] }),
    expect: ['the authorization_code grant needs at least one redirectUri'],
  },
  {
    name: 'client_credentials for a public client',
    kind: 'OIDCClient',
    spec: (s) => ({
      providerRef: s['providerRef'],
      grantTypes: ['client_credentials'],
      tokenEndpointAuthMethod: 'none',
    }),
    expect: ['the client_credentials grant needs a confidential client (tokenEndpointAuthMethod other than none)'],
  },
  {
    name: 'client_credentials only, response types left to the provider',
    kind: 'OIDCClient',
    spec: (s) => ({ providerRef: s['providerRef'], grantTypes: ['client_credentials'] }),
    expect: [],
  },
  {
    name: 'refresh_token without a grant that issues one',
    kind: 'OIDCClient',
    spec: (s) => ({ providerRef: s['providerRef'], grantTypes: ['client_credentials', 'refresh_token'] }),
    expect: ['the refresh_token grant needs the authorization_code or device_code grant'],
  },
  {
    name: 'refresh_token with the device grant',
    kind: 'OIDCClient',
    spec: (s) => ({
      providerRef: s['providerRef'],
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      tokenEndpointAuthMethod: 'none',
    }),
    expect: [],
  },
  {
    name: 'response type code without the authorization_code grant',
    kind: 'OIDCClient',
    spec: (s) => ({ providerRef: s['providerRef'], grantTypes: ['client_credentials'], responseTypes: ['code'] }),
    expect: ['response type code needs the authorization_code grant'],
  },
];

function object(kind: Kind, name: string, spec: Spec): object {
  return { apiVersion: 'kubeoidc.dev/v1alpha1', kind, metadata: { name, namespace: 'default' }, spec };
}

describe('CEL rules (real API server defaulting, @bufbuild/cel evaluation)', () => {
  let cp: ControlPlane | undefined;
  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
  });
  after(async () => {
    await cp?.stop();
  });

  /** The object as the server validates and defaults it; fails the test if the OpenAPI schema rejects it. */
  async function defaulted(kind: Kind, spec: Spec): Promise<object> {
    const result = await dryRunCreate(cp!, object(kind, 'cel', spec));
    assert.equal(result.code, 0, `the OpenAPI schema refused it: ${result.stderr}`);
    return JSON.parse(result.stdout) as object;
  }

  const broken = new Set<string>();
  for (const c of cases) {
    it(`${c.kind}: ${c.name}`, async () => {
      const base = baseSpec[c.kind];
      const current = await defaulted(c.kind, c.spec(structuredClone(base)));
      const old = c.old === undefined ? undefined : await defaulted(c.kind, c.old(structuredClone(base)));
      const violations = celViolations(rules[c.kind], current, old);
      assert.deepEqual(violations, c.expect);
      for (const message of violations) broken.add(message);
    });
  }

  it('every rule is broken by some case above (each is exercised)', () => {
    const all = [...rules.OIDCProvider, ...rules.OIDCClient].map((r) => r.message ?? r.rule);
    assert.deepEqual(
      all.filter((m) => !broken.has(m)),
      [],
    );
  });

  it('every sample keeps every rule, on create and on an unchanged update', async () => {
    const dir = join(CRDS_DIR, 'samples');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const sample = parse(readFileSync(join(dir, file), 'utf8')) as { kind: Kind; spec: Spec };
      const current = await defaulted(sample.kind, sample.spec);
      assert.deepEqual(celViolations(rules[sample.kind], current), [], file);
      assert.deepEqual(celViolations(rules[sample.kind], current, current), [], `${file} (update)`);
    }
  });

  it('a rule that does not parse is reported, not taken as a pass', () => {
    assert.throws(() => evaluateRule('self.replicas >', { replicas: 1 }), /CEL rule self\.replicas >/);
    assert.throws(() => evaluateRule('self.missing == 1', {}), /CEL rule/);
  });

  it('the 1.20 test server does not enforce CEL: it accepts a providerRef change (so the operator must refuse it)', async () => {
    await applyManifest(cp!, object('OIDCClient', 'immutable', baseSpec.OIDCClient));
    await kubectl(
      cp!,
      'patch',
      'oidcclient/immutable',
      '--type=merge',
      '-p',
      '{"spec":{"providerRef":{"name":"other"}}}',
    );
    const stored = JSON.parse(await kubectl(cp!, 'get', 'oidcclient', 'immutable', '-o', 'json')) as { spec: Spec };
    assert.deepEqual(stored.spec['providerRef'], { name: 'other' });
  });
});
