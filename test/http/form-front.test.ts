import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startFrontSide, type FrontSide } from '../support/front-side.ts';
import { deepMerge } from '../../provider/config/merge.ts';
import { defaults, type ProviderConfig } from '../../provider/config/options.ts';
import { validateConfig } from '../../provider/config/validate.ts';
import { generateKeyFile } from '../../provider/keys/generate.ts';
import { Keystore, type KeystoreHolder } from '../../provider/keys/keystore.ts';
import { ModelRepository } from '../../provider/models/repository.ts';
import type { Storage } from '../../provider/storage/adapter.ts';
import { createStorage } from '../../provider/storage/create.ts';
import { systemClock } from '../../provider/time/clock.ts';
import { basicAuth, basicSecret, pkce, redirectUri, seedCode, type BackChannelProvider } from '../token/fixtures.ts';

/**
 * The form front (provider/http/form-front.ts) answers the plain POSTs of the token, introspection and revocation
 * endpoints without Express's router and body parser. Here the server's listener and the Express app alone (one
 * storage between them) are asked the same requests — every grant, good and bad bodies, duplicates, odd keys, too many
 * parameters, oversize, wrong content type, wrong method, bad client authentication, cross-origin — and must give the
 * same status, every header in order (but `Date`), the same body (token values masked: they are random), the same
 * events with the same context, and the same observed samples; and the plain requests must not have reached Express.
 */

type Side = FrontSide<unknown>;

interface Answer {
  status: number;
  headers: string[];
  body: string;
}

const tokenFields = new Set(['access_token', 'refresh_token', 'id_token', 'jti', 'iat', 'exp', 'auth_time']);

/** An event as comparable across the two sides: its name, its request context and error (ids and times left out). */
function eventRecord(name: string, args: unknown[]): unknown {
  const parts: unknown[] = [name];
  for (const arg of args) {
    if (typeof arg !== 'object' || arg === null) continue;
    const value = arg as Record<string, unknown>;
    if ('requestId' in value) {
      const { requestId: _id, oidc, ...rest } = value as { requestId: string; oidc: Record<string, unknown> };
      const { client, ...oidcRest } = oidc;
      parts.push({ ...rest, oidc: oidcRest, client: (client as { client_id?: string } | undefined)?.client_id });
    } else if ('error' in value && typeof value.error === 'string') {
      parts.push({ error: value.error, description: value.errorDescription, status: value.status });
    }
  }
  return parts;
}

function side(config: ProviderConfig, keys: KeystoreHolder, storage: Storage, pick: 'listener' | 'app') {
  return startFrontSide({ config, keys, storage, pick, record: eventRecord });
}

/** The answer as it came on the wire, `Date` left out and token values (random) masked in a JSON body. */
function ask(port: number, method: string, path: string, headers: Record<string, string>, body?: string | Buffer) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const pairs: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i] ?? '';
          if (name.toLowerCase() === 'date') continue;
          // A body with random tokens has a length that may differ by their encoding; the body itself is compared.
          pairs.push(name.toLowerCase() === 'content-length' ? name : `${name}: ${res.rawHeaders[i + 1]}`);
        }
        let text = Buffer.concat(chunks).toString('utf8');
        if (text.startsWith('{')) {
          const parsed = JSON.parse(text) as Record<string, unknown>;
          for (const key of Object.keys(parsed)) if (tokenFields.has(key)) parsed[key] = typeof parsed[key];
          text = JSON.stringify(parsed);
        }
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = { authorization: basicAuth('basic', basicSecret) };
const service = { authorization: basicAuth('service', 'service-secret') };

for (const issuerPath of ['', '/tenant']) {
  describe(`form front and Express answer alike (issuer path "${issuerPath}")`, () => {
    const keys: KeystoreHolder = { current: undefined as unknown as Keystore };
    let lean: Side;
    let reference: Side;
    let seedProvider: BackChannelProvider;
    /** A third app on the same storage that issues the codes' tokens and the tokens to introspect (not compared). */
    let setup: Side;
    let config: ProviderConfig;
    before(async () => {
      keys.current = await Keystore.load(await generateKeyFile(['RS256', 'ES256']));
      const common = {
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        scope: 'openid profile email offline_access',
      };
      config = validateConfig(
        deepMerge(defaults, {
          issuer: `http://127.0.0.1:9${issuerPath}`,
          port: 9,
          metricsPort: 0,
          logLevel: 'silent',
          features: { introspection: { enabled: true }, revocation: { enabled: true } },
          clients: [
            { client_id: 'basic', client_secret: basicSecret, ...common },
            {
              client_id: 'post',
              client_secret: 'post-secret',
              token_endpoint_auth_method: 'client_secret_post',
              ...common,
            },
            {
              client_id: 'service',
              client_secret: 'service-secret',
              grant_types: ['client_credentials'],
              scope: 'profile email',
            },
          ],
        }),
      );
      const storage = await createStorage(config.storage, systemClock);
      lean = await side(config, keys, storage, 'listener');
      reference = await side(config, keys, storage, 'app');
      setup = await side(config, keys, storage, 'app');
      const models = new ModelRepository({ storage, events: setup.emitter, clock: systemClock });
      seedProvider = { models, clock: systemClock, config } as unknown as BackChannelProvider;
    });
    after(() => {
      lean.server.close();
      reference.server.close();
      setup.server.close();
    });

    /** Asks both; `body` may be a function, called once per side (each side its own code or token). */
    async function compare(
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: string | Buffer | (() => Promise<string>),
    ): Promise<Answer> {
      const target = `${issuerPath}${path}`;
      const bodyOf = async () => (typeof body === 'function' ? body() : body);
      const fromLean = await ask(lean.port, method, target, headers, await bodyOf());
      const fromReference = await ask(reference.port, method, target, headers, await bodyOf());
      assert.deepEqual(fromLean, fromReference, `${method} ${target} ${JSON.stringify(headers)}`);
      return fromLean;
    }

    const issueServiceToken = async (): Promise<string> => {
      const answer = await fetch(`http://127.0.0.1:${String(setup.port)}${issuerPath}/token`, {
        method: 'POST',
        headers: { ...form, ...service },
        body: 'grant_type=client_credentials&scope=profile',
      });
      return ((await answer.json()) as { access_token: string }).access_token;
    };

    it('answers every grant alike, good and bad, without Express', async () => {
      const before = lean.expressRequests;
      const statuses = new Set<number>();
      const bodies: [Record<string, string>, string | (() => Promise<string>)][] = [
        [service, 'grant_type=client_credentials'],
        [service, 'grant_type=client_credentials&scope=profile+email'],
        [{ ...service, origin: 'https://spa.example' }, 'grant_type=client_credentials&scope=profile'],
        [{}, 'grant_type=client_credentials&client_id=post&client_secret=post-secret&scope=profile'],
        [service, '\uFEFFgrant_type=client_credentials'],
        [service, 'grant_type=client_credentials&scope=nope'],
        [{ authorization: basicAuth('service', 'wrong') }, 'grant_type=client_credentials'],
        [{ authorization: basicAuth('nobody', 'x') }, 'grant_type=client_credentials'],
        [{}, 'grant_type=client_credentials'],
        [{ authorization: 'Bearer x' }, 'grant_type=client_credentials'],
        [{}, 'grant_type=client_credentials&client_id=post&client_secret=wrong'],
        [service, 'grant_type=client_credentials&grant_type=client_credentials'],
        [service, 'grant_type=client_credentials&scope=profile&scope=email'],
        [service, 'grant_type[]=client_credentials'],
        [service, 'grant_type%5Ba%5D=client_credentials'],
        [service, '__proto__=x&grant_type=client_credentials&hasOwnProperty=1&constructor=2'],
        [service, 'grant_type=client_credentials&scope=%zz%E0%A4%A'],
        [service, 'grant_type=client%5Fcredentials&=empty&novalue&&'],
        [service, 'grant_type=password'],
        [service, 'scope=profile'],
        [service, ''],
        [service, Array.from({ length: 1001 }, () => 'a=1').join('&')],
        [service, `grant_type=client_credentials&pad=${'x'.repeat(60_000)}`],
        [basic, 'grant_type=authorization_code&code=unknown&redirect_uri=x'],
        [basic, 'grant_type=refresh_token&refresh_token=unknown'],
        [service, 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=unknown'],
        [
          basic,
          async () => {
            const { verifier, challenge } = pkce();
            const { code } = await seedCode(seedProvider, { clientId: 'basic', codeChallenge: challenge });
            return `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(redirectUri)}&code_verifier=${verifier}`;
          },
        ],
        [
          basic,
          async () => {
            const { verifier, challenge } = pkce();
            const { code } = await seedCode(seedProvider, { clientId: 'basic', codeChallenge: challenge });
            const answer = await fetch(`http://127.0.0.1:${String(setup.port)}${issuerPath}/token`, {
              method: 'POST',
              headers: { ...form, ...basic },
              body: `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(redirectUri)}&code_verifier=${verifier}`,
            });
            const { refresh_token: refresh } = (await answer.json()) as { refresh_token: string };
            return `grant_type=refresh_token&refresh_token=${refresh}`;
          },
        ],
      ];
      for (const [headers, body] of bodies)
        statuses.add((await compare('POST', '/token', { ...form, ...headers }, body)).status);
      assert.deepEqual([...statuses].sort(), [200, 400, 401]);
      assert.equal(lean.expressRequests, before, 'the form front answered every one of these');
    });

    it('answers introspection and revocation alike, good and bad, without Express', async () => {
      const before = lean.expressRequests;
      const token = await issueServiceToken();
      const statuses = new Set<number>();
      for (const path of ['/introspect', '/revoke']) {
        // Revocation changes the token: there each side revokes a token of its own (the same kind, so the same answer).
        const withToken = (rest = '', twice = false): string | (() => Promise<string>) => {
          if (path === '/introspect') return `token=${token}${twice ? `&token=${token}` : ''}${rest}`;
          return async () => {
            const own = await issueServiceToken();
            return `token=${own}${twice ? `&token=${own}` : ''}${rest}`;
          };
        };
        const cases: [Record<string, string>, string | (() => Promise<string>)][] = [
          [service, withToken()],
          [service, withToken('&token_type_hint=access_token')],
          [service, withToken('&token_type_hint=refresh_token')],
          [basic, withToken()],
          [service, 'token=unknown'],
          [service, 'token=a.b.c'],
          [service, ''],
          [service, withToken('', true)],
          [{ authorization: basicAuth('service', 'wrong') }, withToken()],
          [{}, withToken()],
          [{ origin: 'https://spa.example', ...service }, withToken()],
          [service, Array.from({ length: 1001 }, () => 'a=1').join('&')],
        ];
        for (const [headers, body] of cases)
          statuses.add((await compare('POST', path, { ...form, ...headers }, body)).status);
      }
      assert.deepEqual([...statuses].sort(), [200, 400, 401]);
      assert.equal(lean.expressRequests, before, 'the form front answered every one of these');
    });

    it('leaves everything else to Express: content types, size, encodings, methods, preflight, query, paths', async () => {
      const before = lean.expressRequests;
      const statuses = new Set<number>();
      const good = 'grant_type=client_credentials';
      const passes: [string, string, Record<string, string>, string | Buffer | undefined][] = [
        ['POST', '/token', { 'content-type': 'text/plain', ...service }, good],
        ['POST', '/token', { 'content-type': 'application/json', ...service }, '{"grant_type":"client_credentials"}'],
        ['POST', '/token', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...service }, good],
        ['POST', '/token', { 'content-type': 'application/x-www-form-urlencoded; charset=latin1', ...service }, good],
        ['POST', '/token', { 'content-type': 'Application/X-WWW-Form-Urlencoded', ...service }, good],
        ['POST', '/token', { ...service }, undefined],
        ['POST', '/token', { ...form, ...service }, `${good}&pad=${'x'.repeat(70_000)}`],
        ['POST', '/token', { ...form, ...service, 'content-encoding': 'gzip' }, good],
        ['POST', '/token', { ...form, ...service, 'transfer-encoding': 'chunked' }, good],
        ['POST', '/token?x=1', { ...form, ...service }, good],
        ['POST', '/token/', { ...form, ...service }, good],
        ['POST', '/TOKEN', { ...form, ...service }, good],
        ['GET', '/token', { ...service }, undefined],
        ['PUT', '/token', { ...form, ...service }, good],
        ['DELETE', '/introspect', { ...service }, undefined],
        ['GET', '/revoke', { ...service }, undefined],
        ['OPTIONS', '/token', { origin: 'https://spa.example', 'access-control-request-method': 'POST' }, undefined],
        ['OPTIONS', '/introspect', { origin: 'https://spa.example' }, undefined],
        ['POST', '/introspect', { 'content-type': 'text/plain', ...service }, 'token=x'],
        ['POST', '/revoke', { 'content-type': 'text/plain', ...service }, 'token=x'],
      ];
      for (const [method, path, headers, body] of passes)
        statuses.add((await compare(method, path, headers, body)).status);
      assert.deepEqual([...statuses].sort(), [200, 204, 400, 404]);
      assert.equal(lean.expressRequests - before, passes.length, 'every one of these went to Express');
    });

    it('observes the same request samples and emits the same events, with the same context', () => {
      assert.ok(lean.samples.length > 60);
      assert.deepEqual(lean.samples, reference.samples);
      const names = new Set(lean.events.map((event) => (event as unknown[])[0]));
      for (const name of ['grant.success', 'grant.error', 'introspection.error', 'revocation.error']) {
        assert.ok(names.has(name), name);
      }
      assert.deepEqual(lean.events, reference.events);
    });
  });
}
