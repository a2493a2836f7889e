// Objects read back may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { validateConfig } from '../../../provider/config/validate.ts';
import type { KeyFile } from '../../../provider/keys/key-file.ts';
import { generatedKeys } from '../../../operator/providers/keys/key-source.ts';
import { renderProvider } from '../../../operator/providers/render/index.ts';
import {
  INITIAL_ACCESS_TOKEN_KEY,
  readInitialAccessToken,
} from '../../../operator/providers/render/registration-secret.ts';
import { oidcProvider } from '../fixtures.ts';

const keyFile: KeyFile = {
  keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k1', alg: 'ES256', use: 'sig' }],
  active: ['k1'],
  cookieKeys: [Buffer.alloc(32, 1).toString('base64url')],
};
const server = {
  podDisruptionBudgetVersion: 'policy/v1',
  horizontalPodAutoscalerVersion: 'autoscaling/v2',
  serviceMonitor: false,
} as const;
const token = generatedKeys.initialAccessToken();
const rendered = renderProvider(
  oidcProvider('idp'),
  { file: keyFile, annotations: {}, initialAccessToken: token },
  server,
);
const secret: V1Secret | undefined = rendered.objects.find((o) => o.metadata?.name === 'idp-registration');
const configText = (rendered.objects.find((o) => o.kind === 'ConfigMap') as V1ConfigMap).data?.['config.yaml'] ?? '';

describe('the initial access token for client registration', () => {
  it('is generated with 256 random bits, base64url', () => {
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(generatedKeys.initialAccessToken(), token);
  });

  it('is kept in the Secret <name>-registration owned by the provider', () => {
    assert.ok(secret, 'no registration Secret rendered');
    assert.equal(secret.kind, 'Secret');
    assert.equal(secret.metadata?.ownerReferences?.[0]?.kind, 'OIDCProvider');
    assert.equal(secret.metadata?.labels?.['app.kubernetes.io/managed-by'], 'kubeoidc-operator');
    assert.equal(Buffer.from(secret.data?.[INITIAL_ACCESS_TOKEN_KEY] ?? '', 'base64').toString(), token);
    assert.equal(readInitialAccessToken(secret), token);
  });

  it('is configured by its SHA-256 only, with the client_id policy, in a configuration the provider accepts', () => {
    assert.ok(!configText.includes(token), 'the ConfigMap must not hold the token');
    const config = parse(configText) as { features: { registration: { initialAccessTokens: unknown } } };
    assert.deepEqual(config.features.registration.initialAccessTokens, [
      { sha256: createHash('sha256').update(token).digest('hex'), policies: ['client_id'] },
    ]);
    validateConfig(parse(configText));
  });

  it('reads as absent from a missing or empty Secret, so the reconciler generates one', () => {
    assert.equal(readInitialAccessToken(undefined), undefined);
    assert.equal(readInitialAccessToken({ data: {} }), undefined);
  });

  it('is not rendered when the reconciler gives none (no Secret, no hash)', () => {
    const plain = renderProvider(oidcProvider('idp'), { file: keyFile, annotations: {} }, server);
    assert.ok(!plain.objects.some((o) => o.metadata?.name === 'idp-registration'));
  });
});
