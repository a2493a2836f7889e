import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newUserCode, normalizeUserCode, userCodeAlphabet } from '../../provider/device/user-code.ts';

describe('user codes', () => {
  it('are XXXX-XXXX from the consonant alphabet, and differ', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newUserCode()));
    assert.ok(codes.size > 195);
    for (const code of codes) assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(userCodeAlphabet.length, 20);
    assert.doesNotMatch(userCodeAlphabet, /[AEIOUY0-9]/);
  });

  it('are normalised as typed: case, spaces and dashes do not matter', () => {
    assert.equal(normalizeUserCode('bcdf-ghjk'), 'BCDF-GHJK');
    assert.equal(normalizeUserCode(' BCDF GHJK '), 'BCDF-GHJK');
    assert.equal(normalizeUserCode('bcdfghjk'), 'BCDF-GHJK');
  });

  it('refuse what cannot be a user code', () => {
    for (const typed of ['', 'BCDF-GHJ', 'BCDF-GHJKL', 'BCDF-GHJA', 'BCDF-GHJ1', 'BCDF_GHJK']) {
      assert.equal(normalizeUserCode(typed), undefined, typed);
    }
  });
});
