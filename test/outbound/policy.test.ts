import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowEntryProblem, OutboundPolicy } from '../../provider/outbound/policy.ts';
import { checkedLookup } from '../../provider/outbound/request.ts';

/**
 * The outbound policy as data: which addresses and names are internal (refused by default), what `outbound.allow`
 * opens, and that the DNS lookup used for every connection checks the addresses a name resolves to.
 */
describe('outbound policy', () => {
  const policy = new OutboundPolicy();

  it('refuses loopback, private, link-local, CGNAT, ULA and translated forms of them by default', () => {
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '0.0.0.0',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00::1',
      'fc12::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:a00:1',
      '64:ff9b::10.0.0.1',
      '2002:a9fe:a9fe::1',
    ]) {
      assert.ok(policy.addressProblem(address), `${address} is refused`);
      assert.ok(policy.hostProblem(address.includes(':') ? `[${address}]` : address), `${address} as a host`);
    }
  });

  it('accepts public addresses and names', () => {
    for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888']) {
      assert.equal(policy.addressProblem(address), undefined, address);
    }
    assert.equal(policy.hostProblem('keys.example.com'), undefined);
  });

  it('refuses internal host names: localhost, cluster DNS and single labels', () => {
    for (const host of ['localhost', 'LOCALHOST', 'redis', 'kubernetes.default.svc', 'api.ns.svc.cluster.local']) {
      assert.ok(policy.hostProblem(host), host);
    }
  });

  it('opens exactly what outbound.allow lists: CIDRs, addresses, host names', () => {
    const open = new OutboundPolicy(['127.0.0.0/8', '::1', '10.1.0.0/16', 'keys.internal']);
    assert.equal(open.addressProblem('127.0.0.1'), undefined);
    assert.equal(open.addressProblem('::1'), undefined);
    assert.equal(open.addressProblem('::ffff:127.0.0.1'), undefined);
    assert.equal(open.addressProblem('10.1.200.3'), undefined);
    assert.ok(open.addressProblem('10.2.0.1'));
    assert.ok(open.addressProblem('169.254.169.254'));
    assert.equal(open.hostProblem('keys.internal'), undefined);
    assert.ok(open.hostProblem('other.internal'));
    assert.ok(open.allowsHostByName('KEYS.internal'));
  });

  it('validates allow entries', () => {
    for (const good of ['10.0.0.0/8', 'fd00::/8', '127.0.0.1', 'keys.example.com']) {
      assert.equal(allowEntryProblem(good), undefined, good);
    }
    for (const bad of ['10.0.0.0/33', 'not a host', '10.0.0.0/8/1', 'keys.example.com/8', '::1/129']) {
      assert.ok(allowEntryProblem(bad), bad);
    }
  });

  it('checks the resolved addresses at connect time: localhost resolves to loopback and is refused', async () => {
    const lookup = (p: OutboundPolicy, all: boolean) =>
      new Promise<unknown>((resolve, reject) => {
        checkedLookup(p)('localhost', { all }, (error: Error | null, address: unknown) => {
          if (error) reject(error);
          else resolve(address);
        });
      });
    await assert.rejects(lookup(policy, false), /outbound request refused: .*(127\.0\.0\.1|::1)/);
    await assert.rejects(lookup(policy, true), /outbound request refused/);
    const open = new OutboundPolicy(['127.0.0.0/8', '::1']);
    assert.match(String(await lookup(open, false)), /^(127\.0\.0\.1|::1)$/);
    assert.ok(Array.isArray(await lookup(open, true)));
  });
});
