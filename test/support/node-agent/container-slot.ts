/**
 * One container of a pod across its runs: which run is current, its state as the kubelet reports it (waiting,
 * running, terminated; restart count; last state), its probes, and when it may start again after an exit
 * (`restartPolicy`, with a doubling back-off).
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1Container, V1ContainerState } from '@kubernetes/client-node';
import type { ContainerRun } from './container.ts';
import type { ContainerSnapshot } from './pod-status.ts';
import type { ProbeLoop } from './probes.ts';
import type { ExitStatus } from './supervisor.ts';

/** Back-off before a restart: `initialMs`, doubling up to `maxMs`. */
export interface RestartBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Now, to the second (the API's timestamps have no fraction). */
const timestamp = (): Date => new Date(Math.floor(Date.now() / 1000) * 1000);

/** State of one container of a pod. */
export class ContainerSlot {
  readonly spec: V1Container;
  run: ContainerRun | undefined;
  restartCount = 0;
  runs = 0;
  state: V1ContainerState = { waiting: { reason: 'ContainerCreating' } };
  lastState: V1ContainerState | undefined;
  probesPassing = false;
  probes: ProbeLoop[] = [];
  /** No start before this time (ms since epoch); undefined = never again. */
  startAfter: number | undefined = 0;
  #backoffMs: number;
  readonly #backoff: RestartBackoff;

  constructor(spec: V1Container, backoff: RestartBackoff) {
    this.spec = spec;
    this.#backoff = backoff;
    this.#backoffMs = backoff.initialMs;
  }

  /** A run started. */
  started(run: ContainerRun): void {
    if (this.runs > 0) this.restartCount++;
    this.runs++;
    this.run = run;
    this.state = { running: { startedAt: timestamp() } };
    this.probesPassing = this.spec.readinessProbe === undefined;
  }

  /** The current run ended; `restart` says whether the pod's restartPolicy restarts it. */
  exited(exit: ExitStatus, restart: boolean): void {
    for (const probe of this.probes) probe.stop();
    this.probes = [];
    this.run = undefined;
    this.probesPassing = false;
    const terminated: V1ContainerState = {
      terminated: {
        exitCode: exit.code,
        reason: exit.code === 0 ? 'Completed' : 'Error',
        ...(exit.signal === null ? {} : { signal: exit.code - 128 }),
        startedAt: this.state.running?.startedAt,
        finishedAt: timestamp(),
      },
    };
    if (restart) {
      this.lastState = terminated;
      this.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${this.#backoffMs / 1000}s restarting failed container`,
        },
      };
      this.startAfter = Date.now() + this.#backoffMs;
      this.#backoffMs = Math.min(this.#backoffMs * 2, this.#backoff.maxMs);
    } else {
      this.state = terminated;
      this.startAfter = undefined;
    }
  }

  /** The container cannot start for now (`reason` as the kubelet names it). */
  waiting(reason: string, message: string): void {
    this.state = { waiting: { reason, message } };
  }

  snapshot(image: string): ContainerSnapshot {
    return {
      name: this.spec.name,
      image,
      restartCount: this.restartCount,
      state: this.state,
      ...(this.lastState === undefined ? {} : { lastState: this.lastState }),
      ready: this.run !== undefined && this.probesPassing,
    };
  }
}
