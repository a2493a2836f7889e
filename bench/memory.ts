/** Resident memory of a server process (Linux /proc), sampled while the bench runs. */
import { readFile } from 'node:fs/promises';

/** VmRSS of a process in MiB, or undefined once it is gone. */
export async function rssMiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb === undefined ? undefined : Math.round((Number(kb) / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

/** Samples RSS every `intervalMs` while started; `peak` is the highest sample since the last `resetPeak`. */
export class RssSampler {
  readonly #pid: number;
  #timer: NodeJS.Timeout | undefined;
  peak = 0;

  constructor(pid: number) {
    this.#pid = pid;
  }

  start(intervalMs = 200): void {
    this.#timer = setInterval(() => {
      void rssMiB(this.#pid).then((rss) => {
        if (rss !== undefined && rss > this.peak) this.peak = rss;
      });
    }, intervalMs);
    this.#timer.unref();
  }

  resetPeak(): void {
    this.peak = 0;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
