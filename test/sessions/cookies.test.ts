import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import {
  cookieAttributes,
  cookieNames,
  CookieJar,
  parseCookieHeader,
  wireCookieName,
} from '../../provider/sessions/cookies.ts';
import { signCookieValue, verifyCookieValue } from '../../provider/sessions/signed-cookie.ts';

const oldKey = Buffer.alloc(32, 1).toString('base64url');
const newKey = Buffer.alloc(32, 2).toString('base64url');

describe('signed cookies', () => {
  it('signs with the first key and verifies with any, so keys rotate', () => {
    const signedOld = signCookieValue([oldKey], 'kubeoidc.session', 'value-1');
    assert.equal(verifyCookieValue([newKey, oldKey], 'kubeoidc.session', signedOld), 'value-1', 'old cookies live on');
    const signedNew = signCookieValue([newKey, oldKey], 'kubeoidc.session', 'value-2');
    assert.equal(verifyCookieValue([newKey], 'kubeoidc.session', signedNew), 'value-2');
    assert.equal(verifyCookieValue([oldKey], 'kubeoidc.session', signedNew), undefined, 'a retired key is gone');
  });

  it('refuses tampered values, foreign signatures and a value signed for another cookie', () => {
    const signed = signCookieValue([oldKey], 'kubeoidc.session', 'value');
    assert.equal(verifyCookieValue([oldKey], 'kubeoidc.session', signed.replace('value', 'valuf')), undefined);
    assert.equal(verifyCookieValue([newKey], 'kubeoidc.session', signed), undefined);
    assert.equal(verifyCookieValue([oldKey], 'kubeoidc.resume', signed), undefined);
    for (const junk of ['', '.', 'value', 'value.', '.sig']) {
      assert.equal(verifyCookieValue([oldKey], 'kubeoidc.session', junk), undefined, junk);
    }
  });

  it('derives Secure and Path from the issuer', () => {
    assert.deepEqual(cookieAttributes('http://127.0.0.1:3000'), { path: '/', secure: false });
    assert.deepEqual(cookieAttributes('http://localhost:3000/idp'), { path: '/idp', secure: false });
    assert.deepEqual(cookieAttributes('https://id.example.com/tenant/a'), { path: '/tenant/a', secure: true });
    assert.deepEqual(cookieAttributes('http://[::1]:3000'), { path: '/', secure: false });
  });

  it('parses Cookie headers, first value of a name winning', () => {
    const parsed = parseCookieHeader('a=1; b="2"; a=3; bad; c=%E0%A4%A');
    assert.deepEqual(
      [...parsed],
      [
        ['a', '1'],
        ['b', '2'],
      ],
    );
  });

  it('writes HttpOnly, SameSite=Lax cookies scoped below the issuer path, and reads back only signed ones', async () => {
    const app = express();
    app.get('/set', (req, res) => {
      const jar = new CookieJar(req, res, [newKey], 'https://id.example.com/idp');
      jar.set(cookieNames.interaction, 'uid-1', { path: '/interaction/uid-1', maxAge: 60 });
      jar.set(cookieNames.session, 'session-value');
      jar.set(cookieNames.deviceCsrf, 'csrf-value', { path: '/device', maxAge: 60 });
      res.end();
    });
    app.get('/get', (req, res) => {
      const jar = new CookieJar(req, res, [newKey], 'https://id.example.com/idp');
      res.json({ session: jar.get(cookieNames.session) ?? null });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
      const cookies = (await fetch(`${base}/set`)).headers.getSetCookie();
      const interaction = cookies.at(0) ?? '';
      const session = cookies.at(1) ?? '';
      // https issuer: cookie prefixes the browser enforces (`__Host-`: Secure, Path=/, no Domain).
      assert.match(
        interaction,
        /^__Secure-kubeoidc\.interaction=uid-1\.[\w-]{43}; Max-Age=60; Path=\/idp\/interaction\/uid-1; Expires=.*; HttpOnly; Secure; SameSite=Lax$/,
      );
      assert.match(
        session,
        /^__Host-kubeoidc\.session\.[\w-]{12}=session-value\.[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
      assert.match(
        cookies.at(2) ?? '',
        /^__Host-kubeoidc\.device\.[\w-]{12}=csrf-value\.[\w-]{43}; Max-Age=60; Path=\/; /,
      );
      assert.doesNotMatch(cookies.join('\n'), /Domain=/i);
      // The issuer has a path: the host-wide name is tagged with it, so another issuer on the host keeps its own.
      assert.match(session, /^__Host-kubeoidc\.session\.[\w-]{12}=/);
      const other = wireCookieName(cookieNames.session, cookieAttributes('https://id.example.com/other'));
      assert.notEqual(other, session.slice(0, session.indexOf('=')));
      assert.equal(
        wireCookieName(cookieNames.session, cookieAttributes('https://id.example.com')),
        '__Host-kubeoidc.session',
      );
      assert.equal(
        wireCookieName(cookieNames.session, cookieAttributes('http://127.0.0.1:3000/idp')),
        'kubeoidc.session',
      );
      const sessionCookie = session.split(';')[0] ?? '';
      const read = async (cookie: string) =>
        ((await (await fetch(`${base}/get`, { headers: { cookie } })).json()) as { session: string | null }).session;
      assert.equal(await read(sessionCookie), 'session-value');
      assert.equal(await read(sessionCookie.replace('session-value', 'other-value')), null);
      assert.equal(
        await read(`${sessionCookie.slice(0, sessionCookie.indexOf('='))}=session-value`),
        null,
        'an unsigned value is ignored',
      );
      const unprefixed = sessionCookie.replace('__Host-', '');
      assert.equal(await read(unprefixed), null, 'an unprefixed cookie (settable by a sibling domain) is ignored');
    } finally {
      server.close();
    }
  });
});
