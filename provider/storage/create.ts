import type { StorageOptions } from '../config/options.ts';
import type { Clock } from '../time/clock.ts';
import type { Storage } from './adapter.ts';
import { MemoryStorage } from './memory.ts';
import { RedisStorage } from './redis/storage.ts';

/**
 * Opens the configured storage. Redis storage waits a few seconds for its first connection but does not fail when
 * Redis is down: it starts unready (`ping` rejects, `/healthz/ready` is 503) and recovers when Redis is reachable.
 */
export function createStorage(
  options: StorageOptions,
  clock: Clock,
  hooks: { onAvailabilityChange?: (available: boolean, reason?: string) => void } = {},
): Promise<Storage> {
  switch (options.type) {
    case 'memory':
      return Promise.resolve(new MemoryStorage({ clock, maxEntries: options.maxEntries }));
    case 'redis':
      return RedisStorage.open(options, { clock, ...hooks });
  }
}
