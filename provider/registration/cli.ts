/**
 * `kubeoidc create-initial-access-token` and `kubeoidc revoke-initial-access-token`: stored, expiring initial access
 * tokens for people (the operator uses a static one by hash, docs/registration.md). They write into the provider's
 * own storage, read from the same configuration the provider uses (`KUBEOIDC_CONFIG`, `KUBEOIDC_REDIS_URL`, …), so
 * every replica accepts the token at once. Memory storage lives inside one provider process, which a separate
 * command cannot reach: refused with a message. The token is printed once and exists nowhere else (stored hashed).
 * Their events reach the provider's consumers (`cli-events.ts`).
 */
import type { DestinationStream } from 'pino';
import { loadConfig, type LoadSources } from '../config/load.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { ModelRepository } from '../models/repository.ts';
import { createStorage } from '../storage/create.ts';
import { systemClock } from '../time/clock.ts';
import { cliEvents } from './cli-events.ts';
import { createInitialAccessToken, destroyInitialAccessToken } from './initial-access-token.ts';

/** Default lifetime of a stored initial access token: one day. */
export const DEFAULT_IAT_EXPIRES_IN = 24 * 3600;

export interface CliIo extends LoadSources {
  /** Standard input (the token to revoke). */
  stdin: () => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Emitter to emit on (embedding, tests); a fresh one otherwise. Either way the log and event stream listen. */
  events?: ProviderEmitter;
  /** Where log lines go; standard error by default. */
  logDestination?: DestinationStream;
}

const usage =
  'usage: kubeoidc create-initial-access-token [--expires-in <seconds>] [--policy client_id]\n' +
  '       kubeoidc revoke-initial-access-token   (the token on standard input)';

function parseCreateArgs(args: readonly string[]): { expiresIn: number; policies: 'client_id'[] } | string {
  let expiresIn = DEFAULT_IAT_EXPIRES_IN;
  const policies: 'client_id'[] = [];
  const rest = [...args];
  for (let flag = rest.shift(); flag !== undefined; flag = rest.shift()) {
    const value = rest.shift();
    if (flag === '--expires-in' && value !== undefined && /^[1-9]\d*$/.test(value)) expiresIn = Number(value);
    else if (flag === '--policy' && value === 'client_id') policies.push(value);
    else return `unexpected argument ${flag}`;
  }
  return { expiresIn, policies };
}

/** Runs one of the two commands; resolves the exit code. */
export async function initialAccessTokenCommand(
  command: 'create-initial-access-token' | 'revoke-initial-access-token',
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  const parsed =
    command === 'create-initial-access-token' ? parseCreateArgs(args) : args.length ? 'no arguments' : undefined;
  if (typeof parsed === 'string') {
    io.err(`kubeoidc ${command}: ${parsed}\n${usage}`);
    return 2;
  }
  const config = await loadConfig(io);
  if (config.storage.type !== 'redis') {
    io.err(
      `kubeoidc ${command}: needs the provider's Redis storage (memory storage lives inside one provider process)`,
    );
    return 2;
  }
  const storage = await createStorage(config.storage, systemClock);
  const { events, drain } = cliEvents(config, storage, {
    clock: systemClock,
    ...(io.events ? { events: io.events } : {}),
    ...(io.logDestination ? { logDestination: io.logDestination } : {}),
  });
  try {
    await storage.ping();
    const models = new ModelRepository({ storage, events, clock: systemClock });
    if (parsed) {
      const { value } = await createInitialAccessToken({ models, clock: systemClock }, parsed);
      io.out(value);
      return 0;
    }
    const token = (await io.stdin()).trim();
    if (!(await destroyInitialAccessToken(models, token))) {
      io.err(`kubeoidc ${command}: no such initial access token (unknown or expired)`);
      return 1;
    }
    return 0;
  } finally {
    await drain();
    await storage.close();
  }
}
