import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontSide, type FrontSide } from '../support/front-side.ts';
import { askWire, type WireAnswer } from '../support/wire-answer.ts';
import { deepMerge } from '../../provider/config/merge.ts';
import { defaults, type ProviderConfig } from '../../provider/config/options.ts';
import { validateConfig } from '../../provider/config/validate.ts';
import { generateKeyFile } from '../../provider/keys/generate.ts';
import { Keystore, type KeystoreHolder } from '../../provider/keys/keystore.ts';
import { createStorage } from '../../provider/storage/create.ts';
import { systemClock } from '../../provider/time/clock.ts';

/**
 * The lean front (provider/http/lean-front.ts) answers GET and HEAD of discovery and JWKS without Express. Here the
 * server's listener (lean front, then Express) and the Express app alone are asked the same requests, and must give
 * the same answers byte for byte (status, every header in order but `Date`, body), emit the same events and observe
 * the same request samples (metrics, access log): if either side changes, the two cannot silently drift apart.
 */

type Answer = WireAnswer;

type Side = FrontSide<string>;

async function side(config: ProviderConfig, keys: KeystoreHolder, pick: 'listener' | 'app'): Promise<Side> {
  const storage = await createStorage(config.storage, systemClock);
  return startFrontSide({ config, keys, storage, pick, record: (name) => name });
}

/** One request on its own connection; the answer as it came on the wire (`Date` left out: it is the clock's). */
function ask(port: number, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return askWire(port, method, path, headers, method === 'POST' || method === 'PUT' ? 'a=b' : undefined);
}

for (const issuerPath of ['', '/tenant']) {
  describe(`lean front and Express answer alike (issuer path "${issuerPath}")`, () => {
    const keys: KeystoreHolder = { current: undefined as unknown as Keystore };
    let lean: Side;
    let reference: Side;
    let etag = '';
    before(async () => {
      keys.current = await Keystore.load(await generateKeyFile(['RS256', 'ES256']));
      const config = validateConfig(
        deepMerge(defaults, { issuer: `http://127.0.0.1:9${issuerPath}`, port: 9, metricsPort: 0, logLevel: 'silent' }),
      );
      lean = await side(config, keys, 'listener');
      reference = await side(config, keys, 'app');
      etag = (await fetch(`http://127.0.0.1:${String(reference.port)}${issuerPath}/jwks`)).headers.get('etag') ?? '';
      reference.samples.length = 0;
    });
    after(() => {
      lean.server.close();
      reference.server.close();
    });

    async function compare(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
      const target = `${issuerPath}${path}`;
      const [fromLean, fromReference] = [
        await ask(lean.port, method, target, headers),
        await ask(reference.port, method, target, headers),
      ];
      assert.deepEqual(fromLean, fromReference, `${method} ${target} ${JSON.stringify(headers)}`);
      return fromLean;
    }

    it('answers GET and HEAD of discovery and JWKS alike: plain, cross-origin, conditional', async () => {
      const documentPaths = ['/jwks', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];
      const variants: Record<string, string>[] = [
        {},
        { origin: 'https://spa.example' },
        { 'if-none-match': etag },
        { 'if-none-match': `"other", W/${etag}` },
        { 'if-none-match': '*', origin: 'https://spa.example' },
        { 'if-none-match': '"not-it"' },
        { accept: 'text/html', 'accept-encoding': 'gzip' },
      ];
      const statuses = new Set<number>();
      const expressBefore = lean.expressRequests;
      for (const path of documentPaths) {
        for (const method of ['GET', 'HEAD']) {
          for (const headers of variants) statuses.add((await compare(method, path, headers)).status);
        }
      }
      assert.equal(lean.expressRequests, expressBefore, 'the lean front answered every one of these');
      // Discovery's ETag differs from the JWKS one: its conditional variants answer 200, the JWKS ones 304.
      assert.deepEqual([...statuses].sort(), [200, 304]);
      const jwks = await compare('GET', '/jwks');
      assert.ok(Array.isArray((JSON.parse(jwks.body) as { keys: unknown[] }).keys));
    });

    it('leaves other methods, paths and targets to Express: 405, preflight, 404, query, case, trailing slash', async () => {
      const statuses = new Set<number>();
      const expressBefore = lean.expressRequests;
      for (const path of ['/jwks', '/.well-known/openid-configuration']) {
        for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
          statuses.add((await compare(method, path)).status);
          statuses.add((await compare(method, path, { origin: 'https://spa.example' })).status);
        }
      }
      for (const path of ['/jwks?x=1', '/jwks?', '/JWKS', '/jwks/', '/jwks/x', '/jwksx', '//jwks', '/healthz/live']) {
        statuses.add((await compare('GET', path)).status);
        statuses.add((await compare('HEAD', path)).status);
      }
      assert.deepEqual([...statuses].sort(), [200, 204, 404, 405]);
      // All but the exact path with a query string (`/jwks?x=1`, `/jwks?`, twice each) went to Express.
      assert.equal(lean.expressRequests - expressBefore, 2 * 5 * 2 + 2 * 8 - 4);
    });

    it('observes the same request samples and emits the same events', () => {
      assert.ok(lean.samples.length > 50);
      assert.deepEqual(lean.samples, reference.samples);
      assert.ok(lean.events.includes('jwks.error') && lean.events.includes('discovery.error'));
      assert.deepEqual(lean.events, reference.events);
    });

    it('hands a document that cannot be built to Express, whose error handler answers it alike', async () => {
      const good = keys.current;
      const broken = Object.create(good) as Keystore;
      Object.defineProperty(broken, 'jwks', {
        get() {
          throw new Error('no JWKS');
        },
      });
      keys.current = broken;
      try {
        const leanBefore = lean.samples.length;
        const answer = await compare('GET', '/jwks', { origin: 'https://spa.example' });
        assert.equal(answer.status, 500);
        assert.deepEqual(lean.samples.slice(leanBefore), [{ path: '/jwks', method: 'GET', status: 500 }]);
        assert.deepEqual(lean.events.at(-1), 'server_error');
        assert.deepEqual(lean.events, reference.events);
      } finally {
        keys.current = good;
      }
    });
  });
}
