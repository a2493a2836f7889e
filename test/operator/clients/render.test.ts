// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import { readRecord, readRecorded } from '../../../operator/clients/recorded.ts';
import {
  clientOwnerReference,
  credentialsSecretName,
  renderCredentialsSecret,
  renderRegistrationSecret,
} from '../../../operator/clients/render.ts';
import { oidcClient, recordedFor, withSpec } from './fixtures.ts';

const decode = (secret: V1Secret): Record<string, string> =>
  Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

describe('the credentials Secret', () => {
  it('has CLIENT_ID, CLIENT_SECRET, ISSUER_URL, DISCOVERY_URL and a controller owner reference to the OIDCClient', () => {
    const client = oidcClient('web');
    const secret = renderCredentialsSecret(client, recordedFor(client), 'https://idp.example.com/');
    assert.equal(secret.metadata?.name, 'web');
    assert.equal(secret.metadata?.namespace, 'default');
    assert.deepEqual(decode(secret), {
      CLIENT_ID: 'generated-id',
      CLIENT_SECRET: 'secret-value',
      ISSUER_URL: 'https://idp.example.com/',
      DISCOVERY_URL: 'https://idp.example.com/.well-known/openid-configuration',
    });
    assert.deepEqual(secret.metadata?.ownerReferences, [
      {
        apiVersion: 'kubeoidc.dev/v1alpha1',
        kind: 'OIDCClient',
        name: 'web',
        uid: 'uid-web',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  it('follows spec.secret: name, key names, labels and annotations; no CLIENT_SECRET for a public client', () => {
    const client = oidcClient(
      'spa',
      withSpec({
        tokenEndpointAuthMethod: 'none',
        secret: {
          name: 'spa-credentials',
          clientIdKey: 'id',
          issuerUrlKey: 'issuer',
          discoveryUrlKey: 'discovery',
          labels: { team: 'a' },
          annotations: { note: 'b' },
        },
      }),
    );
    const secret = renderCredentialsSecret(client, recordedFor(client, { clientSecret: undefined }), 'https://idp');
    assert.equal(credentialsSecretName(client), 'spa-credentials');
    assert.equal(secret.metadata?.name, 'spa-credentials');
    assert.deepEqual(Object.keys(decode(secret)).sort(), ['discovery', 'id', 'issuer']);
    assert.equal(secret.metadata?.labels?.team, 'a');
    assert.equal(secret.metadata?.labels?.['app.kubernetes.io/managed-by'], 'kubeoidc-operator');
    assert.deepEqual(secret.metadata?.annotations, { note: 'b' });
  });
});

describe('the registration Secret', () => {
  it('round-trips what the operator records, with no owner reference the garbage collector could follow', () => {
    const client = oidcClient('web', withSpec({ clientId: 'app' }));
    const recorded = recordedFor(client);
    const secret = renderRegistrationSecret(client, recorded);
    assert.equal(secret.metadata?.name, 'kubeoidc-registration-web');
    assert.equal(secret.metadata?.ownerReferences, undefined);
    assert.equal(secret.metadata?.annotations?.['kubeoidc.dev/oidcclient'], 'web');
    assert.equal(secret.metadata?.annotations?.['kubeoidc.dev/oidcclient-uid'], 'uid-web');
    assert.deepEqual(readRecorded(secret), recorded);
    assert.deepEqual(readRecord(secret, 'uid-web'), {
      intent: { provider: 'idp', requestedClientId: 'app', clientId: 'app' },
      recorded,
      upToDate: true,
    });
    const provided = recordedFor(oidcClient('web'), { clientSecret: undefined });
    assert.deepEqual(readRecorded(renderRegistrationSecret(client, provided)), provided);
  });

  it('records an intent (provider and client id) before there is anything else to record', () => {
    const client = oidcClient('web');
    const intent = { provider: 'idp', requestedClientId: undefined, clientId: 'chosen-id' };
    const secret = renderRegistrationSecret(client, intent);
    assert.deepEqual(decode(secret), { clientId: 'chosen-id' });
    assert.deepEqual(readRecord(secret, 'uid-web'), { intent, recorded: undefined });
  });

  it('reads the record of an older operator (owner reference, no uid annotation) as one to rewrite', () => {
    const client = oidcClient('web');
    const secret = renderRegistrationSecret(client, recordedFor(client));
    delete secret.metadata?.annotations?.['kubeoidc.dev/oidcclient-uid'];
    if (secret.metadata) secret.metadata.ownerReferences = [clientOwnerReference(client)];
    const state = readRecord(secret, 'uid-web');
    assert.deepEqual(state.recorded, recordedFor(client));
    assert.equal(state.upToDate, false);
  });

  it("is not another object's record: a Secret of an earlier OIDCClient of the same name reads as nothing", () => {
    const secret = renderRegistrationSecret(oidcClient('web'), recordedFor(oidcClient('web')));
    assert.deepEqual(readRecord(secret, 'uid-of-a-new-web'), { intent: undefined, recorded: undefined });
  });

  it('keeps credentials out of labels and annotations', () => {
    const client = oidcClient('web');
    const meta = JSON.stringify(renderRegistrationSecret(client, recordedFor(client)).metadata);
    assert.ok(!/secret-value|rat-value/.test(meta));
  });

  it('reads as nothing recorded when missing or incomplete', () => {
    const client = oidcClient('web');
    assert.equal(readRecorded(undefined), undefined);
    const secret = renderRegistrationSecret(client, recordedFor(client));
    delete secret.data?.registrationAccessToken;
    assert.equal(readRecorded(secret), undefined);
  });
});
