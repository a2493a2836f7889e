import { StorageUnavailableError } from '../adapter.ts';

/**
 * Redis error replies that mean "not now" rather than "wrong command": the server is loading, the cluster is down or
 * resharding, the node is a replica after a failover, or a script is busy.
 */
const UNAVAILABLE_REPLY = /^(LOADING|CLUSTERDOWN|TRYAGAIN|READONLY|MASTERDOWN|BUSY|NOREPLICAS|MOVED|ASK)\b/;

/**
 * Maps what ioredis rejects with to what callers handle: anything that says Redis cannot be reached (closed or
 * unwritable stream, connect or command timeout, exhausted retries, cluster not ready) becomes a
 * {@link StorageUnavailableError}, rendered as 503 `temporarily_unavailable`. Error replies to a wrong command are
 * programming errors and stay as they are.
 */
export function storageError(error: unknown): Error {
  if (error instanceof StorageUnavailableError) return error;
  // Our own mistakes (a bad argument, unparsable JSON) are not outages.
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'ReplyError' && !UNAVAILABLE_REPLY.test(message)) return error;
  return new StorageUnavailableError(`redis unavailable: ${message}`, { cause: error });
}

/** Runs a Redis operation, translating its failure with {@link storageError}. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw storageError(error);
  }
}
