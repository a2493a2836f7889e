/**
 * The operator's RFC 7591/7592 client against the real provider's registration endpoint: register (with the
 * operator's static initial access token and a chosen client_id), read, update without rotating the secret, delete,
 * a lost client reading as gone, clear errors for a bad token, refused metadata and an unreachable provider — and
 * management requests sent to the base URL even though the provider hands out URIs under its public issuer — and
 * the same over TLS through a TLS-terminating proxy, with the certificate verified against a given CA bundle.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { httpRegistrationApi, managementUrl } from '../../../operator/clients/http-registration-api.ts';
import {
  ProviderUnavailableError,
  RegistrationRejectedError,
  type RegistrationTarget,
} from '../../../operator/clients/registration-api.ts';
import { freePort } from '../../support/free-port.ts';
import { startTestProvider, type TestProvider } from '../../support/provider.ts';
import { startRegistrationProxy, type RegistrationProxy } from './registration-proxy.ts';
import { selfSignedCertificate } from './self-signed.ts';

const token = 'operator-iat-0123456789abcdefghijklmnopqrstuv';
const registration = {
  enabled: true,
  initialAccessToken: true,
  initialAccessTokens: [{ sha256: createHash('sha256').update(token).digest('hex'), policies: ['client_id'] }],
};
const machine = { grant_types: ['client_credentials'], response_types: [], scope: 'openid' };

describe('httpRegistrationApi against a real provider', { timeout: 180_000 }, () => {
  let provider: TestProvider;
  let target: RegistrationTarget;
  const api = httpRegistrationApi({ timeoutMs: 2000 });

  before(async () => {
    provider = await startTestProvider({ features: { registration } });
    target = { baseUrl: provider.issuer, issuer: provider.issuer, initialAccessToken: token };
  });
  after(async () => {
    await provider.stop();
  });

  it('registers, reads, updates (same secret) and deletes a client', async () => {
    const registered = await api.register(target, { ...machine, client_id: 'api-test', client_name: 'one' });
    assert.equal(registered.clientId, 'api-test');
    assert.match(registered.clientSecret ?? '', /^.{32,}$/);
    assert.equal(registered.registrationClientUri, `${provider.issuer}/register/api-test`);
    assert.ok(!('client_secret' in registered.metadata) && !('registration_access_token' in registered.metadata));

    const read = await api.read(target, registered);
    assert.equal(read?.clientId, 'api-test');
    assert.equal(read.metadata.client_name, 'one');

    const updated = await api.update(target, registered, {
      ...machine,
      client_id: 'api-test',
      client_secret: registered.clientSecret,
      client_name: 'two',
    });
    assert.equal(updated?.metadata.client_name, 'two');
    assert.equal(updated.clientSecret, undefined, 'an update must not rotate the secret');

    await api.delete(target, registered);
    assert.equal(await api.read(target, registered), undefined);
    await api.delete(target, registered); // already gone: still fine
    assert.equal(await api.update(target, registered, { ...machine, client_id: 'api-test' }), undefined);
  });

  it('refuses a bad initial access token and bad metadata with the provider error, without the token', async () => {
    await assert.rejects(
      api.register({ ...target, initialAccessToken: 'wrong-token-0123456789abcdefghijkl' }, machine),
      (error: unknown) =>
        error instanceof RegistrationRejectedError &&
        error.error === 'invalid_token' &&
        error.status === 401 &&
        !error.message.includes('wrong-token'),
    );
    await assert.rejects(
      api.register(target, { grant_types: ['authorization_code'], redirect_uris: [] }),
      (error: unknown) => error instanceof RegistrationRejectedError && error.error === 'invalid_client_metadata',
    );
  });

  it('reports an unreachable provider as ProviderUnavailableError', async () => {
    const port = await freePort();
    const down = { ...target, baseUrl: `http://127.0.0.1:${port}` };
    await assert.rejects(api.register(down, machine), ProviderUnavailableError);
    await assert.rejects(
      api.read(down, { registrationClientUri: `${provider.issuer}/register/x`, registrationAccessToken: 'rat' }),
      ProviderUnavailableError,
    );
  });

  it('sends management requests to the base URL only', () => {
    const internal = { baseUrl: 'http://idp.auth.svc:80', issuer: 'https://login.example.com/' };
    const handle = { registrationClientUri: 'https://login.example.com/register/abc', registrationAccessToken: 'x' };
    assert.equal(managementUrl(internal, handle), 'http://idp.auth.svc:80/register/abc');
    // The token goes to the provider's own address whatever host the URI names (an issuer renamed since).
    const renamed = { ...handle, registrationClientUri: 'https://old.example.com/idp/register/abc' };
    assert.equal(managementUrl(internal, renamed), 'http://idp.auth.svc:80/register/abc');
    assert.throws(() => managementUrl(internal, { ...handle, registrationClientUri: 'https://x.example.com/abc' }));
  });
});

describe('httpRegistrationApi over TLS to a provider endpoint that serves it', { timeout: 180_000 }, () => {
  let provider: TestProvider;
  let proxy: RegistrationProxy;
  let certificate: { key: string; cert: string };
  const api = httpRegistrationApi({ timeoutMs: 5000 });

  before(async () => {
    provider = await startTestProvider({ features: { registration } });
    certificate = selfSignedCertificate();
    proxy = await startRegistrationProxy(() => provider.issuer, certificate);
  });
  after(async () => {
    await proxy.close();
    await provider.stop();
  });

  it('registers, reads and deletes over https, verifying the certificate with the given CA bundle', async () => {
    const target = { baseUrl: proxy.url, issuer: provider.issuer, initialAccessToken: token, ca: certificate.cert };
    assert.match(proxy.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const registered = await api.register(target, { ...machine, client_id: 'tls-app' });
    assert.equal(registered.clientId, 'tls-app');
    assert.equal(proxy.registrations.get('tls-app'), 1);
    assert.equal((await api.read(target, registered))?.clientId, 'tls-app');
    await api.delete(target, registered);
    assert.equal(await api.read(target, registered), undefined);
  });

  it('refuses a certificate the CA bundle (or the default trust store) does not verify, before sending anything', async () => {
    const other = selfSignedCertificate();
    for (const ca of [undefined, other.cert]) {
      const target = { baseUrl: proxy.url, issuer: provider.issuer, initialAccessToken: token, ca };
      await assert.rejects(
        api.register(target, { ...machine, client_id: 'tls-untrusted' }),
        (error: unknown) =>
          error instanceof ProviderUnavailableError &&
          /certificate/i.test(error.message) &&
          !error.message.includes(token),
      );
    }
    assert.equal(proxy.registrations.get('tls-untrusted'), undefined, 'no request reached the endpoint');
  });
});
