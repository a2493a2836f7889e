import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBase64url } from '../../provider/models/random.ts';

/** provider/models/random.ts: values drawn from the pooled CSPRNG output. */
describe('randomBase64url', () => {
  it('answers the asked number of bytes, base64url without padding', () => {
    for (const bytes of [16, 18, 32, 48, 5000]) {
      const value = randomBase64url(bytes);
      assert.match(value, /^[A-Za-z0-9_-]+$/);
      assert.equal(Buffer.from(value, 'base64url').length, bytes);
      assert.equal(value.length, Math.ceil((bytes * 4) / 3));
    }
  });

  it('never hands out the same bytes twice, also across refills of the pool', () => {
    // 1000 × 32 bytes crosses the 4 KiB pool about eight times; a slice reused after a refill (an off-by-one in the
    // offset) would repeat a value or a 16-byte half of one.
    const halves = new Set<string>();
    for (let i = 0; i < 1000; i += 1) {
      const bytes = Buffer.from(randomBase64url(32), 'base64url');
      for (const half of [bytes.subarray(0, 16), bytes.subarray(16)]) {
        const key = half.toString('hex');
        assert.ok(!halves.has(key), `repeated bytes at draw ${String(i)}`);
        halves.add(key);
      }
    }
  });

  it('is not a constant or a counter: bits are about half ones', () => {
    let ones = 0;
    const draws = 256;
    for (let i = 0; i < draws; i += 1) {
      for (const byte of Buffer.from(randomBase64url(32), 'base64url')) {
        for (let bit = byte; bit > 0; bit >>= 1) ones += bit & 1;
      }
    }
    const total = draws * 32 * 8;
    // 65536 fair bits: the share of ones is within 0.5 ± 0.01 with overwhelming probability (≈ 5 standard deviations).
    assert.ok(Math.abs(ones / total - 0.5) < 0.01, `share of ones ${String(ones / total)}`);
  });
});
