/**
 * A bound on how many password hashes (argon2id, scrypt) run at once. Hashing runs on libuv's thread pool (4 threads
 * by default), and the kernel shares a core equally among runnable threads: with four hashes in flight on a one-core
 * pod the event loop gets a fifth of the CPU and every other request (token, introspection, discovery) slows down
 * fivefold during a login burst. Each argon2id hash also holds its memory cost (19 MiB by default) while it runs.
 * Logins beyond the bound wait their turn in arrival order: login throughput stays what the cores give (hashing is
 * CPU-bound), while the event loop keeps at least its share of one core.
 */
import { availableParallelism } from 'node:os';

/** One fewer than the cores this process may run on (its CPU affinity), at least 1: a core stays for the event loop. */
export function defaultHashConcurrency(cores: number = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/** Runs at most `limit` tasks at once; the others start in arrival order as running ones finish. */
export class HashGate {
  readonly #limit: number;
  #running = 0;
  #highWater = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`hash concurrency must be an integer ≥ 1, got ${String(limit)}`);
    this.#limit = limit;
  }

  /** Runs `task` when a place is free; the place is given back however the task ends. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    this.#highWater = Math.max(this.#highWater, this.#running);
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // The place passes straight to the next in line (the count stays), so no later arrival can overtake it.
      if (next) next();
      else this.#running -= 1;
    }
  }

  /** Tasks running now, waiting now, and the most that ever ran at once. */
  get stats(): { running: number; waiting: number; highWater: number } {
    return { running: this.#running, waiting: this.#waiting.length, highWater: this.#highWater };
  }
}
