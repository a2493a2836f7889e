import { ConfigError } from '../config/config-error.ts';
import type { StorageOptions } from '../config/options.ts';
import type { Clock } from '../time/clock.ts';
import type { Storage } from './adapter.ts';
import { MemoryStorage } from './memory.ts';

/** Opens the configured storage. */
export function createStorage(options: StorageOptions, clock: Clock): Promise<Storage> {
  switch (options.type) {
    case 'memory':
      return Promise.resolve(new MemoryStorage({ clock, maxEntries: options.maxEntries }));
    case 'redis':
      return Promise.reject(new ConfigError('storage.type', 'redis storage is not built into this version yet'));
  }
}
