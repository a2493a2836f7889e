import autocannon from 'autocannon';
import type { Scenario } from './scenarios.ts';

export interface ScenarioResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Non-2xx answers, connection errors and timeouts: a scenario that errors is not a valid measurement. */
  errors: number;
}

/** Runs one scenario against a base URL for a bounded time. */
export async function runScenario(
  scenario: Scenario,
  baseUrl: string,
  { seconds, connections }: { seconds: number; connections: number },
): Promise<ScenarioResult> {
  const result = await autocannon({
    url: `${baseUrl}${scenario.path}`,
    method: scenario.method,
    ...(scenario.headers ? { headers: scenario.headers } : {}),
    ...(scenario.body ? { body: scenario.body } : {}),
    connections,
    duration: seconds,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}
