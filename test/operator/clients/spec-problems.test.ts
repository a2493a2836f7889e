import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientSpecProblems } from '../../../operator/clients/spec-problems.ts';
import type { OIDCClient } from '../../../operator/kube/crds.ts';
import { machine, oidcClient, recordedFor, withSpec } from './fixtures.ts';

const jwk = { kty: 'EC' as const, crv: 'P-256' as const, x: 'x', y: 'y' };
const withId = oidcClient('c', withSpec({ clientId: 'app' }));

describe('clientSpecProblems: the CRD CEL rules a 1.20 API server ignores', () => {
  const cases: {
    name: string;
    client: OIDCClient;
    recorded?: Parameters<typeof clientSpecProblems>[1];
    problems: string[];
  }[] = [
    { name: 'a minimal web client is valid', client: oidcClient('c'), problems: [] },
    { name: 'a machine client is valid', client: oidcClient('c', machine), problems: [] },
    {
      name: 'unchanged immutable fields are valid',
      client: withId,
      recorded: recordedFor(withId),
      problems: [],
    },
    {
      name: 'providerRef changed after registration',
      client: oidcClient('c', withSpec({ providerRef: { name: 'other' } })),
      recorded: recordedFor(oidcClient('c')),
      problems: ['providerRef is immutable (registered at idp)'],
    },
    {
      name: 'clientId changed',
      client: oidcClient('c', withSpec({ clientId: 'changed' })),
      recorded: recordedFor(withId),
      problems: ['clientId is immutable'],
    },
    {
      name: 'clientId added',
      client: withId,
      recorded: recordedFor(oidcClient('c')),
      problems: ['clientId cannot be added or removed after creation'],
    },
    {
      name: 'clientId removed',
      client: oidcClient('c'),
      recorded: recordedFor(withId),
      problems: ['clientId cannot be added or removed after creation'],
    },
    {
      name: 'private_key_jwt without keys',
      client: oidcClient('c', withSpec({ tokenEndpointAuthMethod: 'private_key_jwt' })),
      problems: ['private_key_jwt needs jwks or jwksUri'],
    },
    {
      name: 'jwks and jwksUri together',
      client: oidcClient('c', withSpec({ jwks: { keys: [jwk] }, jwksUri: 'https://c.example.com/jwks' })),
      problems: ['jwks and jwksUri are mutually exclusive'],
    },
    {
      name: 'authorization_code without redirectUris',
      client: oidcClient('c', withSpec({ redirectUris: [] })),
      problems: ['the authorization_code grant needs at least one redirectUri'],
    },
    {
      name: 'client_credentials for a public client',
      client: oidcClient('c', machine, withSpec({ tokenEndpointAuthMethod: 'none' })),
      problems: ['the client_credentials grant needs a confidential client (tokenEndpointAuthMethod other than none)'],
    },
    {
      name: 'refresh_token alone',
      client: oidcClient('c', machine, withSpec({ grantTypes: ['client_credentials', 'refresh_token'] })),
      problems: ['the refresh_token grant needs the authorization_code or device_code grant'],
    },
    {
      name: 'response type code without authorization_code',
      client: oidcClient('c', machine, withSpec({ responseTypes: ['code'] })),
      problems: ['response type code needs the authorization_code grant'],
    },
    {
      name: "secret.name taking the operator's registration Secret",
      client: oidcClient('c', withSpec({ secret: { name: 'kubeoidc-registration-c' } })),
      problems: ["secret.name kubeoidc-registration-c is the operator's registration Secret"],
    },
    {
      name: 'a name longer than a label value (the Secrets carry it as app.kubernetes.io/instance)',
      client: oidcClient('n'.repeat(64)),
      problems: [
        "metadata.name is 64 characters long (at most 63): it is the app.kubernetes.io/instance label of the client's Secrets",
      ],
    },
    {
      name: 'a name of 63 characters is fine',
      client: oidcClient('n'.repeat(63)),
      problems: [],
    },
    {
      name: 'secret.labels the API server would refuse',
      client: oidcClient('c', withSpec({ secret: { labels: { 'bad key!': 'x', team: 'v'.repeat(64), ok: '-x' } } })),
      problems: [
        'secret.labels key "bad key!" has a name that is not 1-63 alphanumeric, -, _ or . characters',
        'secret.labels["team"] is 64 characters long (at most 63)',
        'secret.labels["ok"] must be alphanumeric, -, _ or . and start and end alphanumeric',
      ],
    },
    {
      name: 'the immutable fields are checked against an intent too (registered, answer not recorded)',
      client: oidcClient('c', withSpec({ providerRef: { name: 'other' } })),
      recorded: { provider: 'idp', clientId: 'chosen' },
      problems: ['providerRef is immutable (registered at idp)'],
    },
    {
      name: 'every problem is reported, not only the first',
      client: oidcClient(
        'c',
        withSpec({ redirectUris: [], providerRef: { name: 'x' }, tokenEndpointAuthMethod: 'private_key_jwt' }),
      ),
      recorded: recordedFor(oidcClient('c')),
      problems: [
        'providerRef is immutable (registered at idp)',
        'private_key_jwt needs jwks or jwksUri',
        'the authorization_code grant needs at least one redirectUri',
      ],
    },
  ];
  for (const { name, client, recorded, problems } of cases) {
    it(name, () => {
      assert.deepEqual(clientSpecProblems(client, recorded), problems);
    });
  }
});
