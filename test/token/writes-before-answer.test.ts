import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelName, ModelTypes } from '../../provider/models/types.ts';
import { StorageUnavailableError, type Adapter, type Storage } from '../../provider/storage/adapter.ts';
import { MemoryStorage } from '../../provider/storage/memory.ts';
import { systemClock } from '../../provider/time/clock.ts';
import {
  basicClient,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from './fixtures.ts';

/**
 * A token response is answered only after the writes of the tokens in it have succeeded (provider/token/grants/
 * user-tokens.ts), whatever else runs meanwhile (the ID token's signature in libuv's pool): a refresh token the client
 * holds is always one the store knows, and a failed write answers an error with no token in it.
 */

/** Memory storage whose RefreshToken writes wait for `release()`, or fail while `failing` is set. */
class GatedStorage implements Storage {
  readonly inner = new MemoryStorage({ clock: systemClock, maxEntries: 10_000 });
  failing = false;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  /** Resolves when a held RefreshToken write has started. */
  #started: (() => void) | undefined;

  hold(): Promise<void> {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
    return new Promise((resolve) => (this.#started = resolve));
  }

  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  adapter<M extends ModelName>(model: M): Adapter<ModelTypes[M]> {
    const inner = this.inner.adapter(model);
    if (model !== 'RefreshToken') return inner;
    return Object.assign(Object.create(inner) as Adapter<ModelTypes[M]>, {
      upsert: async (id: string, record: ModelTypes[M], expiresIn: number) => {
        this.#started?.();
        if (this.#gate) await this.#gate;
        if (this.failing) throw new StorageUnavailableError('refresh token write failed (test)');
        return inner.upsert(id, record, expiresIn);
      },
    });
  }

  findEach: Storage['findEach'] = (models, id) => this.inner.findEach(models, id);
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('token endpoint: tokens are answered only after their writes', () => {
  const storage = new GatedStorage();
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider({}, { storage });
  });
  after(() => provider.stop());

  const redeem = async () => {
    const { code } = await seedCode(provider, { clientId: 'basic', nonce: 'n-1' });
    return tokenRequest(provider, { grant_type: 'authorization_code', code, redirect_uri: redirectUri }, basicClient);
  };

  it('holds the answer (with its ID token) until the refresh token write completes', async () => {
    const started = storage.hold();
    let answered = false;
    const response = redeem().finally(() => (answered = true));
    await started;
    // Long enough for anything else of the request (the ID token's signature in the pool) to finish meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(answered, false, 'answered before the refresh token was stored');
    storage.release();
    const { status, body } = await response;
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(typeof body.id_token, 'string');
    const rotated = await tokenRequest(
      provider,
      { grant_type: 'refresh_token', refresh_token: String(body.refresh_token) },
      basicClient,
    );
    assert.equal(rotated.status, 200, 'the answered refresh token was stored');
  });

  it('answers an error with no token when the refresh token write fails', async () => {
    storage.failing = true;
    try {
      const { status, body } = await redeem();
      assert.equal(status, 503, JSON.stringify(body));
      assert.equal(body.error, 'temporarily_unavailable');
      assert.equal(body.access_token, undefined);
      assert.equal(body.id_token, undefined);
    } finally {
      storage.failing = false;
    }
  });
});
