import type { ModelName, ModelTypes } from '../models/types.ts';
import type { Adapter, RecordsOf, Storage } from './adapter.ts';

/** Receives the duration of every storage operation and whether it failed (metrics implement it). */
export type StorageObserver = (
  model: ModelName,
  operation: keyof Adapter<unknown>,
  seconds: number,
  failed: boolean,
) => void;

/** Wraps a Storage so every adapter operation is timed; behaviour and results are unchanged. */
export function instrumentStorage(storage: Storage, observe: StorageObserver): Storage {
  const adapters = new Map<ModelName, unknown>();
  return {
    adapter<M extends ModelName>(model: M): Adapter<ModelTypes[M]> {
      const cached = adapters.get(model) as Adapter<ModelTypes[M]> | undefined;
      if (cached) return cached;
      const inner = storage.adapter(model);
      const timed =
        <A extends unknown[], R>(operation: keyof Adapter<unknown>, call: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          const start = process.hrtime.bigint();
          let failed = true;
          try {
            const result = await call(...args);
            failed = false;
            return result;
          } finally {
            observe(model, operation, Number(process.hrtime.bigint() - start) / 1e9, failed);
          }
        };
      const wrapped: Adapter<ModelTypes[M]> = {
        upsert: timed('upsert', inner.upsert.bind(inner)),
        insert: timed('insert', inner.insert.bind(inner)),
        find: timed('find', inner.find.bind(inner)),
        findByUid: timed('findByUid', inner.findByUid.bind(inner)),
        findByUserCode: timed('findByUserCode', inner.findByUserCode.bind(inner)),
        consume: timed('consume', inner.consume.bind(inner)),
        consumeIf: timed('consumeIf', inner.consumeIf.bind(inner)),
        destroy: timed('destroy', inner.destroy.bind(inner)),
        revokeByGrantId: timed('revokeByGrantId', inner.revokeByGrantId.bind(inner)),
        revokeByClientId: timed('revokeByClientId', inner.revokeByClientId.bind(inner)),
      };
      adapters.set(model, wrapped);
      return wrapped;
    },
    async findEach<const M extends readonly ModelName[]>(models: M, id: string): Promise<RecordsOf<M>> {
      const start = process.hrtime.bigint();
      let failed = true;
      try {
        const records = await storage.findEach(models, id);
        failed = false;
        return records;
      } finally {
        // One read of several models: each is observed as a `find` taking that long.
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        for (const model of models) observe(model, 'find', seconds, failed);
      }
    },
    ping: () => storage.ping(),
    close: () => storage.close(),
  };
}
