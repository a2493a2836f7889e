/**
 * What every scenario is made of: the context it runs in, its result rows and goals, and the helpers the request and
 * flow scenarios share (client_credentials requests, token pools, pool sizing, end-users).
 */
import { username, benchPassword, type HashCost } from './accounts.ts';
import { basicAuthorizationOf, benchClient } from './bench-client.ts';
import type { EndUser } from './flows.ts';
import { json, ok2xx, runLoad, type LoadLength, type LoadRequest, type LoadResult } from './load.ts';

export interface ScenarioContext {
  baseUrl: string;
  /** How long each measured load runs. */
  length: LoadLength;
  connections: number;
  /** Concurrent logins of the login burst. */
  loginRunners: number;
  /** Whether this is a timed measurement (pools sized by rate) or the correctness check (fixed small amounts). */
  timed: boolean;
  /** This server's rate in an earlier scenario of this round, to size pools. */
  rateOf(row: string): number | undefined;
}

export interface Goal {
  /** kubeoidc/oidc-provider throughput at least this. */
  ratio?: number;
  /** kubeoidc p99 at most this many ms. */
  p99?: number;
  /** Why there is no ratio goal, or what the row means. */
  note?: string;
}

export interface Row {
  id: string;
  title: string;
  unit: 'req/s' | 'flows/s' | 'logins/s';
  goal: Goal;
}

export interface Scenario {
  rows: Row[];
  /** Results in the order of `rows`. */
  run(context: ScenarioContext): Promise<LoadResult[]>;
}

export const form = 'application/x-www-form-urlencoded';
export const tokenGoal = { ratio: 1.5, p99: 25 };

export function tokenRequest(client: { client_id: string; client_secret: string }, body: string): LoadRequest {
  return {
    method: 'POST',
    path: '/token',
    headers: { authorization: basicAuthorizationOf(client), 'content-type': form },
    body,
    accept: ok2xx((text) => typeof json(text)?.access_token === 'string'),
  };
}

export const clientCredentials = tokenRequest(benchClient, 'grant_type=client_credentials&scope=api%3Aread');
export const isJwt = (text: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(String(json(text)?.access_token));

/** End-users for `count` runners: runner i logs in as account i of `cost`, from an address of its own. */
export function users(cost: HashCost, count: number): EndUser[] {
  return Array.from({ length: count }, (_, i) => ({
    username: username(cost, i),
    password: benchPassword,
    address: `10.77.${String(Math.floor(i / 250))}.${String((i % 250) + 1)}`,
  }));
}

/** Collects up to `amount` values from the answers of a request (a pool of tokens or device codes). */
export async function pool(
  context: ScenarioContext,
  request: LoadRequest,
  field: string,
  amount: number,
): Promise<string[]> {
  const values: string[] = [];
  const result = await runLoad(
    context.baseUrl,
    { ...request, onAnswer: (body) => values.push(String(json(body)?.[field])) },
    { connections: context.connections, amount },
  );
  // Preparation is not measured: a few failed answers only shrink the pool; none at all means the scenario cannot run.
  if (values.length === 0) throw new Error(`preparing a pool of ${field}: ${result.firstError ?? 'no answers'}`);
  return values;
}

/** Requests a timed load of `rateRow`'s rate is expected to send within `seconds` (with headroom), else `amount`. */
export function expectedRequests(context: ScenarioContext, rateRow: string, seconds: number, minimum: number): number {
  if (!context.timed && 'amount' in context.length) return context.length.amount;
  const rate = context.rateOf(rateRow) ?? 1000;
  return Math.max(minimum, Math.ceil(rate * seconds * 1.5));
}

export function ring(values: readonly string[], body: (value: string) => string): () => string {
  let next = 0;
  return () => body(values[next++ % values.length] ?? '');
}

export function single(row: Row, request: LoadRequest): Scenario {
  return {
    rows: [row],
    run: async (c) => [await runLoad(c.baseUrl, request, { connections: c.connections, ...c.length })],
  };
}

export const seconds = (length: LoadLength): number => ('seconds' in length ? length.seconds : 1);
