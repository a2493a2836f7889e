/** Helpers of the operator's integration tests. */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import type { OIDCProvider } from '../../operator/kube/crds.ts';
import type { OperatorLog, OperatorOptions } from '../../operator/operator.ts';

/** One probe may take at most this long; a request that hangs is abandoned and the next probe tries afresh. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Polls `probe` every 200 ms until it returns a value other than undefined/false; throws after `timeoutMs`. A probe
 * that does not settle within 5 s counts as a failed attempt, so one hung request cannot stall the test.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const attempt = probe();
      attempt.catch(() => undefined); // an abandoned probe may still fail later: nobody waits for it any more
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`a probe did not settle within ${PROBE_TIMEOUT_MS} ms`));
        }, PROBE_TIMEOUT_MS);
      });
      const value = await Promise.race([attempt, timeout]).finally(() => {
        clearTimeout(timer);
      });
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
      );
    }
    await sleep(200);
  }
}

/** A log that keeps errors (for assertions and failure messages) and drops the rest. */
export function testLog(): OperatorLog & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    info: () => undefined,
    error: (message, error) => {
      errors.push(`${message}: ${error instanceof Error ? error.message : String(error)}`);
    },
  };
}

/** A sample from `crds/samples/`. */
export function sampleProvider(file: string): OIDCProvider {
  return parse(readFileSync(new URL(`../../crds/samples/${file}`, import.meta.url), 'utf8')) as OIDCProvider;
}

/**
 * The options of an operator in an integration test: leader election in `leaseNamespace` with relaxed timing (a
 * loaded machine must not lose the lease), health on an ephemeral loopback port; `extra` adds or overrides.
 */
export function testOperatorOptions(
  kubeConfig: OperatorOptions['kubeConfig'],
  identity: string,
  log: OperatorLog,
  extra: Partial<OperatorOptions> = {},
): OperatorOptions {
  return {
    kubeConfig,
    identity,
    leaseNamespace: 'default',
    leaseTiming: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 500 },
    healthPort: 0,
    healthHost: '127.0.0.1',
    log,
    ...extra,
  };
}
