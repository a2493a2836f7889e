/**
 * Runs libuv's thread pool — where password hashes (argon2id, scrypt) run — at a lower CPU priority (a higher nice
 * value) than the event loop. On a busy core the kernel's scheduler shares the CPU between runnable threads by weight
 * (nice 0: 1024, nice 10: 110), so with the pool reniced the event loop — and every token, introspection or discovery
 * request it serves — gets the core first during a login burst, and hashing takes what is left (all of it when the
 * loop is idle). Linux only: `os.setPriority(tid, …)` is setpriority(PRIO_PROCESS, tid), which on Linux acts on one
 * thread; the pool threads are found by their name (`libuv-worker`) in /proc/self/task. An unprivileged process can
 * raise a nice value but never lower it again, so this is done once, for the life of the process.
 *
 * The pool also runs the token signatures (`crypto.sign` with a callback: ID tokens, JWT access tokens, `provider/keys/sign-jws.ts`) and
 * fs calls; they run at the same lowered priority (measured in docs/performance.md, "The login burst").
 */
import { readdir, readFile } from 'node:fs/promises';
import { getPriority, setPriority } from 'node:os';
import { pbkdf2 } from 'node:crypto';

/** `accounts.passwordHashNice` when unset (chosen by measurement: docs/performance.md, "The login burst"). */
export const DEFAULT_PASSWORD_HASH_NICE = 5;

/** What `reniceThreadPool` did: the pool threads it set and the value, or why it did nothing. */
export type PoolPriorityOutcome =
  { applied: true; nice: number; threads: number[] } | { applied: false; reason: string };

/** Name the kernel shows for libuv's pool threads (`/proc/<pid>/task/<tid>/comm`). */
const poolThreadName = 'libuv-worker';

/** One trivial pool job: libuv creates all its pool threads together on the first job it is given. */
function touchThreadPool(): Promise<void> {
  return new Promise((resolve, reject) => {
    pbkdf2('', '', 1, 1, 'sha256', (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

/** The ids of this process's libuv pool threads (empty when /proc is not there). */
export async function poolThreadIds(taskDir = '/proc/self/task'): Promise<number[]> {
  const ids: number[] = [];
  for (const entry of await readdir(taskDir)) {
    const name = await readFile(`${taskDir}/${entry}/comm`, 'utf8').catch(() => '');
    if (name.trim() === poolThreadName) ids.push(Number(entry));
  }
  return ids;
}

/**
 * Sets every libuv pool thread of this process to `nice` (1–19); 0 does nothing. Never throws: where it cannot
 * (not Linux, no /proc, no pool threads found, setpriority refused) it answers why, for a debug log.
 */
export async function reniceThreadPool(
  nice: number,
  platform: string = process.platform,
): Promise<PoolPriorityOutcome> {
  if (nice === 0) return { applied: false, reason: 'accounts.passwordHashNice is 0' };
  if (platform !== 'linux') return { applied: false, reason: `per-thread priority needs Linux (this is ${platform})` };
  try {
    await touchThreadPool();
    const threads = await poolThreadIds();
    if (threads.length === 0) return { applied: false, reason: 'no libuv-worker threads found in /proc/self/task' };
    for (const tid of threads) {
      // Never lowers a value someone set higher (e.g. the whole process started under `nice -n 15`).
      if (getPriority(tid) < nice) setPriority(tid, nice);
    }
    return { applied: true, nice, threads };
  } catch (error) {
    return { applied: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
