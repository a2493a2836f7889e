import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/config-error.ts';
import type { AccountRecord } from '../config/options.ts';
import type { Account, AccountStore } from './account-store.ts';
import {
  type Argon2Cost,
  DEFAULT_ARGON2_COST,
  decoyHashLike,
  hashPassword,
  isPasswordHash,
  needsRehash,
  verifyPassword,
} from './password.ts';
import { defaultHashConcurrency, HashGate } from './hash-gate.ts';

/**
 * The first account store: `AccountRecord`s from configuration — inline `accounts.records` and/or a YAML/JSON file
 * `accounts.file` (mounted from a Kubernetes Secret). The account id is the record's `sub`, which never changes even
 * when a username does.
 *
 * Rehashing: after a successful login with a hash weaker than the configured cost (any scrypt hash, or argon2id below
 * `accounts.passwordHashCost`, by default OWASP's parameters), the password is hashed again with argon2id and the new hash replaces the old one in this process's
 * memory. It cannot replace it at its source: the configuration and the accounts file are read-only inputs (a
 * ConfigMap, a Secret mounted read-only, shared by every replica and owned by whoever manages it — GitOps, the
 * platform team), so the provider reports the account through `onOutdatedHash` (logged once per account per process)
 * and the owner regenerates the hash with `kubeoidc hash-password`.
 */

/** Login names compare after Unicode normalisation, so visually identical input matches. */
function normaliseUsername(username: string): string {
  return username.normalize('NFKC');
}

/** Validates records (from the file or inline) and indexes them; a bad record stops start-up naming it. */
function indexRecords(records: readonly { record: AccountRecord; option: string }[]) {
  const byUsername = new Map<string, AccountRecord>();
  const bySub = new Map<string, AccountRecord>();
  for (const { record, option } of records) {
    if (typeof record.username !== 'string' || record.username === '') {
      throw new ConfigError(`${option}.username`, 'must be a non-empty string');
    }
    if (typeof record.sub !== 'string' || record.sub === '' || record.sub.length > 255) {
      throw new ConfigError(`${option}.sub`, 'must be a string of 1 to 255 characters');
    }
    if (typeof record.password_hash !== 'string' || !isPasswordHash(record.password_hash)) {
      throw new ConfigError(
        `${option}.password_hash`,
        'must be an argon2id (or scrypt) hash made by `kubeoidc hash-password`',
      );
    }
    if (record.claims !== undefined && (typeof record.claims !== 'object' || Array.isArray(record.claims))) {
      throw new ConfigError(`${option}.claims`, 'must be an object');
    }
    const username = normaliseUsername(record.username);
    if (byUsername.has(username)) throw new ConfigError(`${option}.username`, 'is a duplicate');
    if (bySub.has(record.sub)) throw new ConfigError(`${option}.sub`, 'is a duplicate');
    byUsername.set(username, record);
    bySub.set(record.sub, record);
  }
  return { byUsername, bySub };
}

/** Parses an accounts file: a list of records, or an object with an `accounts` list. */
export function parseAccountsFile(text: string, path: string): AccountRecord[] {
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { prettyErrors: false });
  } catch {
    throw new ConfigError('accounts.file', `${path} is not valid YAML/JSON`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { accounts?: unknown } | null)?.accounts;
  if (!Array.isArray(list)) throw new ConfigError('accounts.file', `${path} must hold a list of accounts`);
  return list as AccountRecord[];
}

function toAccount(record: AccountRecord): Account {
  const claims = { ...(record.claims ?? {}) };
  delete claims.sub; // `sub` is the record's own, never a free-form claim
  return { accountId: record.sub, sub: record.sub, claims };
}

/** Told when an account logged in with a hash weaker than today's default (see the module comment). */
export type OutdatedHashListener = (accountId: string) => void;

/** Accounts held in memory, loaded once at start. */
export class RecordAccountStore implements AccountStore {
  readonly #byUsername: ReadonlyMap<string, AccountRecord>;
  readonly #bySub: ReadonlyMap<string, AccountRecord>;
  /** Verified against for unknown usernames, so they cost the same hashing work as known ones. */
  readonly #decoyHash: string;
  /** Hashes upgraded after a login, by account id (in memory only). */
  readonly #upgraded = new Map<string, string>();
  #onOutdatedHash: OutdatedHashListener | undefined;
  /** The cost a stored hash must reach (`accounts.passwordHashCost`); weaker ones are rehashed at it. */
  readonly #cost: Argon2Cost;
  /** Bounds the hashes in flight (`accounts.passwordHashConcurrency`). */
  readonly hashing: HashGate;

  private constructor(indexes: ReturnType<typeof indexRecords>, decoyHash: string, cost: Argon2Cost, gate: HashGate) {
    this.#byUsername = indexes.byUsername;
    this.#bySub = indexes.bySub;
    this.#decoyHash = decoyHash;
    this.#cost = cost;
    this.hashing = gate;
  }

  /** Where to report an account whose stored hash is outdated (once per account). */
  onOutdatedHash(listener: OutdatedHashListener): void {
    this.#onOutdatedHash = listener;
  }

  /**
   * Builds the store from inline records and the optional file (`readFile` is injected so only the entry point does
   * I/O). Throws `ConfigError` naming the bad record.
   */
  static async create(
    options: {
      file?: string;
      records: readonly AccountRecord[];
      passwordHashCost?: Argon2Cost;
      passwordHashConcurrency?: number;
    },
    readFile: (path: string) => Promise<string>,
  ): Promise<RecordAccountStore> {
    const sources = options.records.map((record, index) => ({ record, option: `accounts.records[${index}]` }));
    if (options.file) {
      let text: string;
      try {
        text = await readFile(options.file);
      } catch (error) {
        throw new ConfigError(
          'accounts.file',
          `cannot read ${options.file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
      parseAccountsFile(text, options.file).forEach((record, index) => {
        sources.push({ record, option: `accounts.file[${index}]` });
      });
    }
    const indexes = indexRecords(sources);
    // The decoy is made like the stored hashes (algorithm and cost), so its timing matches theirs.
    const decoy = await decoyHashLike(sources.at(0)?.record.password_hash);
    return new RecordAccountStore(
      indexes,
      decoy,
      options.passwordHashCost ?? DEFAULT_ARGON2_COST,
      new HashGate(options.passwordHashConcurrency ?? defaultHashConcurrency()),
    );
  }

  findByUsername(username: string): Promise<Account | undefined> {
    const record = this.#byUsername.get(normaliseUsername(username));
    return Promise.resolve(record && toAccount(record));
  }

  findById(accountId: string): Promise<Account | undefined> {
    const record = this.#bySub.get(accountId);
    return Promise.resolve(record && toAccount(record));
  }

  async authenticate(username: string, password: string): Promise<string | undefined> {
    const record = this.#byUsername.get(normaliseUsername(username));
    const stored = record ? (this.#upgraded.get(record.sub) ?? record.password_hash) : this.#decoyHash;
    const ok = await this.hashing.run(() => verifyPassword(password, stored));
    if (!ok || !record) return undefined;
    if (needsRehash(stored, this.#cost)) {
      this.#upgraded.set(record.sub, await this.hashing.run(() => hashPassword(password, this.#cost)));
      this.#onOutdatedHash?.(record.sub);
    }
    return record.sub;
  }
}
