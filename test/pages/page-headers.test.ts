import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { pageHeaders } from '../../provider/pages/send.ts';
import { listenOnLoopback } from '../support/wire-answer.ts';

/**
 * The HTML routes' security headers are helmet's, set by one function (provider/pages/send.ts): on the wire they must
 * be exactly what `helmet({ contentSecurityPolicy: false })` sends — names, values, order — so a helmet upgrade that
 * changes its defaults fails here rather than drifting silently.
 */
describe('page security headers', () => {
  for (const poweredBy of [false, true]) {
    it(`are helmet's, in helmet's order (X-Powered-By ${poweredBy ? 'set before' : 'disabled'})`, async () => {
      const app = express();
      if (!poweredBy) app.disable('x-powered-by');
      const before: RequestHandler = (_req, res, next) => {
        res.setHeader('Cache-Control', 'no-store');
        next();
      };
      const after: RequestHandler = (_req, res) => {
        res.set('Content-Type', 'text/plain').send('ok');
      };
      app.get('/helmet', before, helmet({ contentSecurityPolicy: false }), after);
      app.get('/ours', before, pageHeaders, after);
      const { ask, close } = await listenOnLoopback(app);
      try {
        const reference = await ask('GET', '/helmet');
        const ours = await ask('GET', '/ours');
        assert.deepEqual(ours, reference);
        assert.ok(reference.headers.includes('X-Frame-Options: SAMEORIGIN'), 'helmet answered');
        assert.ok(!reference.headers.some((header) => header.startsWith('X-Powered-By')));
      } finally {
        close();
      }
    });
  }
});
