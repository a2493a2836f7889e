/**
 * Provider addresses for an operator outside the cluster: a listed provider gets its own URL, every other provider
 * the filled-in template, and without either setting the in-cluster Service; malformed settings fail at start with
 * a message naming the setting.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceUrl } from '../../../operator/clients/provider-target.ts';
import { providerUrlResolver } from '../../../operator/clients/provider-urls.ts';
import type { OIDCProvider } from '../../../operator/kube/crds.ts';

function provider(namespace: string, name: string, port?: number): OIDCProvider {
  return {
    apiVersion: 'kubeoidc.dev/v1alpha1',
    kind: 'OIDCProvider',
    metadata: { name, namespace },
    spec: {
      issuer: 'https://id.example.com',
      redis: { url: 'redis://redis:6379' },
      ...(port ? { service: { port } } : {}),
    },
  };
}

describe('providerUrlResolver', () => {
  it('without settings is the in-cluster Service', () => {
    assert.equal(providerUrlResolver({}), serviceUrl);
    assert.equal(providerUrlResolver({ urls: '', template: '' }), serviceUrl);
    assert.equal(providerUrlResolver({})(provider('team', 'idp')), 'http://idp.team.svc:80');
  });

  it('fills {name}, {namespace} and {port} (the Service port) into the template', () => {
    const resolve = providerUrlResolver({ template: 'https://{name}-{namespace}.dev.example:8443/p{port}' });
    assert.equal(resolve(provider('team', 'idp')), 'https://idp-team.dev.example:8443/p80');
    assert.equal(resolve(provider('ops', 'sso', 8080)), 'https://sso-ops.dev.example:8443/p8080');
    assert.equal(
      providerUrlResolver({ template: 'http://127.0.0.1:9000' })(provider('a', 'b')),
      'http://127.0.0.1:9000',
    );
  });

  it('prefers a listed provider, then the template, then the Service', () => {
    const urls = ' team/idp=http://127.0.0.1:18080 , ops/sso=http://localhost:18081/base ';
    const listed = providerUrlResolver({ urls, template: 'http://{name}.local:{port}' });
    assert.equal(listed(provider('team', 'idp')), 'http://127.0.0.1:18080');
    assert.equal(listed(provider('ops', 'sso')), 'http://localhost:18081/base');
    assert.equal(listed(provider('ops', 'other')), 'http://other.local:80');
    const onlyListed = providerUrlResolver({ urls });
    assert.equal(onlyListed(provider('team', 'idp')), 'http://127.0.0.1:18080');
    assert.equal(onlyListed(provider('team', 'other', 81)), 'http://other.team.svc:81');
  });

  it('rejects malformed settings, naming the variable and the entry', () => {
    const cases: [Parameters<typeof providerUrlResolver>[0], RegExp][] = [
      [
        { urls: 'idp=http://127.0.0.1:1' },
        /KUBEOIDC_OPERATOR_PROVIDER_URLS: "idp=http:\/\/127\.0\.0\.1:1" is not <namespace>\/<name>=<url>/,
      ],
      [
        { urls: 'team/idp=ftp://x' },
        /KUBEOIDC_OPERATOR_PROVIDER_URLS \(team\/idp\): "ftp:\/\/x" is not an http or https URL/,
      ],
      [{ urls: 'team/idp=not a url' }, /KUBEOIDC_OPERATOR_PROVIDER_URLS \(team\/idp\): "not a url" is not a URL/],
      [{ urls: 'team/idp=http://a,team/idp=http://b' }, /team\/idp is listed twice/],
      [{ urls: 'team/idp=http://u:p@a' }, /must not carry credentials, a query or a fragment/],
      [{ template: 'http://{host}:80' }, /KUBEOIDC_OPERATOR_PROVIDER_URL_TEMPLATE: unknown placeholder \{host\}/],
      [{ template: '{name}.svc' }, /KUBEOIDC_OPERATOR_PROVIDER_URL_TEMPLATE: "provider\.svc" is not a URL/],
      [{ template: 'http://{name}/?x=1' }, /must not carry credentials, a query or a fragment/],
    ];
    for (const [settings, message] of cases) assert.throws(() => providerUrlResolver(settings), message);
  });
});
