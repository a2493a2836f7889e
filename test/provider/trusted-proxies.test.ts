/**
 * Attack: a client that is not a proxy sends its own `X-Forwarded-For`, a new address each time, so that each login
 * guess counts against a different "client address" and the per-address limit (20 failures) never trips. Only the
 * proxies named in `trustedProxies` may say who the client is. Every address here is loopback (127.0.0.0/8 gives
 * distinct peers): 127.0.0.2 plays the ingress controller, 127.0.0.3 a pod (or VPN user) next to it.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { validateConfig } from '../../provider/config/validate.ts';
import { deepMerge } from '../../provider/config/merge.ts';
import { defaults } from '../../provider/config/options.ts';
import { ConfigError } from '../../provider/config/config-error.ts';
import { CookieJar, formOf } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, startFrontChannelProvider } from '../authorization/fixtures.ts';

/** POSTs a form from a chosen local (loopback) address; resolves the status. */
function postFrom(
  url: URL,
  fields: Record<string, string>,
  headers: Record<string, string>,
  localAddress: string,
): Promise<number> {
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('trusted proxies', () => {
  let provider: TestProvider;
  let guess: (username: string, from: string, forwardedFor?: string) => Promise<number>;
  before(async () => {
    provider = await startFrontChannelProvider({ trustedProxies: ['127.0.0.2'] });
    const jar = new CookieJar();
    const start = await fetch(authorizationUrl(provider), { redirect: 'manual' });
    jar.store(new URL(provider.issuer), start);
    const loginUrl = new URL(start.headers.get('location') ?? '');
    const html = await (await fetch(loginUrl, { headers: { cookie: jar.header(loginUrl) } })).text();
    const form = formOf({ url: loginUrl, status: 200, html }, '/login');
    guess = (username, from, forwardedFor) =>
      postFrom(
        form.action,
        { ...form.hidden, username, password: 'wrong' },
        { cookie: jar.header(form.action), ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
        from,
      );
  });
  after(() => provider.stop());

  it('an untrusted peer cannot pick its address with X-Forwarded-For: its guesses all count against it', async () => {
    for (let i = 0; i < 20; i += 1) {
      assert.equal(await guess(`spoof-${i}`, '127.0.0.3', `198.51.100.${i + 1}`), 401, `guess ${i}`);
    }
    assert.equal(await guess('spoof-20', '127.0.0.3', '198.51.100.99'), 429, 'the 21st guess from the peer is refused');
  });

  it('the trusted proxy names the client: different clients behind it have their own counts', async () => {
    for (let i = 0; i < 20; i += 1) assert.equal(await guess(`behind-${i}`, '127.0.0.2', '203.0.113.7'), 401);
    assert.equal(await guess('behind-20', '127.0.0.2', '203.0.113.7'), 429, 'the forwarded client is limited');
    assert.equal(await guess('behind-21', '127.0.0.2', '203.0.113.8'), 401, 'another client behind the proxy is not');
  });

  it('by default trusts loopback only, not private (RFC 1918), link-local or unique-local peers', () => {
    const config = validateConfig(deepMerge(defaults, { issuer: 'https://id.example.com' }));
    assert.deepEqual(config.trustedProxies, ['loopback']);
    // What Express compiles from the default list, as app.ts hands it over (no traffic to these addresses is sent; the
    // tests above show over real connections that app.ts applies the option).
    const trusted = express().set('trust proxy', config.trustedProxies).get('trust proxy fn') as (
      address: string,
      hop: number,
    ) => boolean;
    assert.equal(trusted('127.0.0.1', 0), true);
    assert.equal(trusted('::1', 0), true);
    for (const address of ['10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.1.1', 'fd00::1', '203.0.113.5']) {
      assert.equal(trusted(address, 0), false, address);
    }
  });

  it('refuses an entry that is not a range name, an address or a CIDR range, naming the option', () => {
    for (const entry of ['everything', '10.0.0.0/33', '300.1.1.1', '10.0.0.0/8/1']) {
      assert.throws(
        () => validateConfig(deepMerge(defaults, { trustedProxies: ['loopback', entry] })),
        (error: unknown) => error instanceof ConfigError && error.message.includes('trustedProxies'),
        entry,
      );
    }
    const ok = validateConfig(deepMerge(defaults, { trustedProxies: ['10.0.0.0/8', 'fd00::/8', '192.0.2.1'] }));
    assert.deepEqual(ok.trustedProxies, ['10.0.0.0/8', 'fd00::/8', '192.0.2.1']);
  });
});
