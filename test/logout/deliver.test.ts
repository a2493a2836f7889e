import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BackchannelDeliveryError, deliverLogoutToken } from '../../provider/backchannel/deliver.ts';
import { OutboundPolicy } from '../../provider/outbound/policy.ts';

/**
 * Delivering a logout token to a real loopback receiver: 200 and 204 succeed; another status, a redirect (never
 * followed), an oversized answer or no answer within the timeout fail with an error that names the cause but never the
 * token. Loopback is refused by the outbound policy unless allowed, so these tests allow it explicitly — and show that
 * without the allowance nothing reaches the receiver.
 */
const loopbackAllowed = new OutboundPolicy(['127.0.0.0/8']);

describe('back-channel delivery', () => {
  const bodies: string[] = [];
  const paths: string[] = [];
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        bodies.push(body);
        paths.push(req.url ?? '');
        if (req.url === '/hang') return; // never answers
        if (req.url === '/huge') res.writeHead(200).end(Buffer.alloc(1024 * 1024));
        else if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
        else res.writeHead(Number(req.url?.slice(1) ?? '200')).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('posts the token as the form field logout_token and accepts 200 and 204', async () => {
    await deliverLogoutToken(`${base}/200`, 'token-a.b.c', loopbackAllowed);
    await deliverLogoutToken(`${base}/204`, 'token-a.b.c', loopbackAllowed);
    assert.deepEqual(bodies.slice(-2), ['logout_token=token-a.b.c', 'logout_token=token-a.b.c']);
  });

  it('fails on another status, on a redirect, and after the timeout, without naming the token', async () => {
    const cases: [string, RegExp][] = [
      ['/500', /status 500/],
      ['/400', /status 400/],
      ['/redirect', /status 302/],
      ['/hang', /no response within 200 ms/],
    ];
    for (const [path, message] of cases) {
      const started = Date.now();
      await assert.rejects(
        deliverLogoutToken(`${base}${path}`, 'secret-token', loopbackAllowed, 200),
        (error: unknown) => {
          assert.ok(error instanceof BackchannelDeliveryError);
          assert.match(error.message, message);
          assert.ok(!error.message.includes('secret-token'));
          return true;
        },
      );
      assert.ok(Date.now() - started < 3000, `${path} fails fast`);
    }
    assert.ok(!paths.includes('/ok'), 'the redirect was not followed');
    // An oversized answer is cut off (own deadline: reading 1 MiB under load may take longer than 200 ms).
    await assert.rejects(deliverLogoutToken(`${base}/huge`, 'secret-token', loopbackAllowed), /too large/);
  });

  it('refuses loopback by default — by address literal and by a name that resolves to it — and sends nothing', async () => {
    const before = bodies.length;
    const port = new URL(base).port;
    for (const uri of [`${base}/200`, `http://localhost:${port}/200`, `http://[::ffff:127.0.0.1]:${port}/200`]) {
      await assert.rejects(deliverLogoutToken(uri, 'secret-token'), (error: unknown) => {
        assert.ok(error instanceof BackchannelDeliveryError);
        assert.match(error.message, /refused by the outbound policy/);
        return true;
      });
    }
    assert.equal(bodies.length, before, 'no request reached the receiver');
  });
});
