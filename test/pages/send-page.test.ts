import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import express, { type Response } from 'express';
import { freshNonce } from '../../provider/pages/nonce.ts';
import { pagePolicy, sendPage, type PageSecurity } from '../../provider/pages/send.ts';
import { listenOnLoopback, type WireAnswer } from '../support/wire-answer.ts';

/** How pages were sent before `sendPage` wrote the response itself: Express's `res.send`. */
function sendPageWithExpress(
  res: Response,
  status: number,
  render: (nonce: string) => string,
  security: PageSecurity = {},
): void {
  const nonce = randomBytes(16).toString('base64');
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Content-Security-Policy': pagePolicy(nonce, security),
    })
    .send(render(nonce));
}

/** The answer with its nonce (read from the CSP) replaced, so two answers compare byte for byte. */
function withoutNonce(answer: WireAnswer): WireAnswer {
  const csp = answer.headers.find((header) => header.startsWith('Content-Security-Policy: ')) ?? '';
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  assert.ok(nonce !== undefined, 'a nonce');
  const strip = (text: string) => text.replaceAll(nonce, 'NONCE');
  return { ...answer, headers: answer.headers.map(strip), body: strip(answer.body) };
}

describe('sendPage', () => {
  it("writes what Express's res.send wrote: status, headers in order, body", async () => {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    const pages: Record<string, (nonce: string) => string> = {
      short: (nonce) => `<p nonce="${nonce}">short</p>`,
      long: (nonce) => `<style nonce="${nonce}"></style>${'<p>é – ü 漢字 🙂</p>'.repeat(300)}`,
      empty: () => '',
    };
    for (const [name, render] of Object.entries(pages)) {
      for (const status of [200, 400, 429]) {
        const security: PageSecurity = { formActions: ['https://client.example'], script: status === 400 };
        app.all(`/ours/${name}/${String(status)}`, (_req, res) => {
          res.set('Retry-After', '60');
          sendPage(res, status, render, security);
        });
        app.all(`/express/${name}/${String(status)}`, (_req, res) => {
          res.set('Retry-After', '60');
          sendPageWithExpress(res, status, render, security);
        });
      }
    }
    const { ask, close } = await listenOnLoopback(app);
    try {
      for (const name of Object.keys(pages)) {
        for (const status of [200, 400, 429]) {
          for (const [method, headers] of [
            ['GET', {}],
            ['HEAD', {}],
            ['POST', {}],
            ['GET', { 'if-none-match': '*' }],
            ['GET', { 'if-modified-since': new Date().toUTCString() }],
          ] as const) {
            const path = `/${name}/${String(status)}`;
            const label = `${method} ${path} ${JSON.stringify(headers)}`;
            const ours = await ask(method, `/ours${path}`, headers);
            const reference = await ask(method, `/express${path}`, headers);
            assert.deepEqual(withoutNonce(ours), withoutNonce(reference), label);
          }
        }
      }
    } finally {
      close();
    }
  });

  it('gives every page a fresh 16-byte nonce', () => {
    const seen = new Set<string>();
    // Several pool refills.
    for (let i = 0; i < 2000; i += 1) {
      const nonce = freshNonce();
      assert.equal(Buffer.from(nonce, 'base64').length, 16);
      assert.equal(Buffer.from(nonce, 'base64').toString('base64'), nonce);
      seen.add(nonce);
    }
    assert.equal(seen.size, 2000);
  });
});
