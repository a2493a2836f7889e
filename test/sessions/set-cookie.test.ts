import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import express, { type CookieOptions, type Response } from 'express';
import {
  cookieAttributes,
  cookieNames,
  CookieJar,
  wireCookieName,
  type CookieName,
} from '../../provider/sessions/cookies.ts';
import { signCookieValue } from '../../provider/sessions/signed-cookie.ts';
import { listenOnLoopback } from '../support/wire-answer.ts';

const keys = [Buffer.alloc(32, 7).toString('base64url'), Buffer.alloc(32, 8).toString('base64url')];
const hostCookies: readonly CookieName[] = [cookieNames.session, cookieNames.deviceCsrf];

/** How the jar wrote its cookies before it wrote the lines itself: Express's `res.cookie` and `res.clearCookie`. */
function expressJar(res: Response, issuer: string) {
  const attributes = cookieAttributes(issuer);
  const options = (name: CookieName, path?: string, maxAge?: number): CookieOptions => {
    const base = attributes.path === '/' ? '' : attributes.path;
    const hostOnly = attributes.secure && hostCookies.includes(name);
    const result: CookieOptions = {
      httpOnly: true,
      sameSite: 'lax',
      secure: attributes.secure,
      path: hostOnly ? '/' : path ? `${base}${path}` : attributes.path,
      encode: (value) => value,
    };
    if (maxAge !== undefined) result.maxAge = maxAge * 1000;
    return result;
  };
  return {
    set(name: CookieName, value: string, opts: { maxAge?: number; path?: string } = {}) {
      res.cookie(
        wireCookieName(name, attributes),
        signCookieValue(keys, name, value),
        options(name, opts.path, opts.maxAge),
      );
    },
    clear(name: CookieName, path?: string) {
      res.clearCookie(wireCookieName(name, attributes), options(name, path));
    },
  };
}

type Jar = Pick<CookieJar, 'set' | 'clear'>;

/** Every kind of write the provider makes, in one response (the lines must also append alike). */
function writeAll(jar: Jar, res: Response): void {
  res.append('Set-Cookie', 'other=1; Path=/');
  jar.set(cookieNames.interaction, 'uid-1', { path: '/interaction/uid-1', maxAge: 3600 });
  jar.set(cookieNames.resume, 'uid-1', { path: '/auth/resume/uid-1', maxAge: 90.5 });
  jar.set(cookieNames.session, 'session-id');
  jar.set(cookieNames.session, 'session-id', { maxAge: 1209600 });
  jar.set(cookieNames.deviceCsrf, 'csrf', { path: '/device', maxAge: 600 });
  jar.clear(cookieNames.interaction, '/interaction/uid-1');
  jar.clear(cookieNames.resume);
  jar.clear(cookieNames.session);
}

describe('Set-Cookie lines', () => {
  for (const issuer of [
    'https://id.example.com',
    'https://id.example.com/tenant/a',
    'http://127.0.0.1:3000',
    'http://localhost:3000/idp',
  ]) {
    it(`are Express's, byte for byte (issuer ${issuer})`, async () => {
      // Both sides read the same clock (Expires).
      mock.timers.enable({ apis: ['Date'], now: 1_790_000_000_123 });
      const app = express();
      app.disable('x-powered-by');
      app.get('/jar', (req, res) => {
        writeAll(new CookieJar(req, res, keys, issuer), res);
        res.end();
      });
      app.get('/express', (_req, res) => {
        writeAll(expressJar(res, issuer), res);
        res.end();
      });
      app.get('/jar/first', (req, res) => {
        new CookieJar(req, res, keys, issuer).set(cookieNames.session, 'only');
        res.end();
      });
      app.get('/express/first', (_req, res) => {
        expressJar(res, issuer).set(cookieNames.session, 'only');
        res.end();
      });
      const { ask, close } = await listenOnLoopback(app);
      try {
        for (const path of ['', '/first']) {
          const reference = await ask('GET', `/express${path}`);
          assert.ok(reference.headers.some((header) => header.startsWith('Set-Cookie: ')));
          assert.deepEqual(await ask('GET', `/jar${path}`), reference, path);
        }
      } finally {
        close();
        mock.timers.reset();
      }
    });
  }

  it('refuse what a header cannot carry, as Express does', () => {
    const app = express();
    for (const value of ['a;b', 'a b', 'a,b', 'ä']) {
      const res = Object.setPrototypeOf({ req: {} }, app.response) as Response;
      const calls: unknown[] = [];
      for (const jar of [
        new CookieJar({ headers: {} } as never, fakeResponse(calls), keys, 'https://x.example'),
        expressJar(res, 'https://x.example'),
      ]) {
        assert.throws(() => {
          jar.set(cookieNames.session, value);
        }, TypeError);
      }
      assert.deepEqual(calls, []);
    }
  });
});

function fakeResponse(calls: unknown[]): Response {
  return {
    getHeader: () => undefined,
    setHeader: (...args: unknown[]) => calls.push(args),
  } as unknown as Response;
}
