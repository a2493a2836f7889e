/**
 * The bench's end-users. kubeoidc checks passwords, so each flow runner logs in with its own account (the per-account
 * login throttle admits 5 concurrent attempts, and one runner makes one at a time): `fast-<i>` accounts carry an
 * argon2id hash of trivial cost (m=8 KiB, t=1 — kubeoidc is told, through `accounts.passwordHashCost`, that this cost
 * is enough, so it does not upgrade them after the first login), `slow-<i>` accounts the default cost (OWASP's).
 * oidc-provider's development login takes any login name and checks no password.
 */
import { DEFAULT_ARGON2_COST, hashPassword, type Argon2Cost } from '../provider/accounts/password.ts';
import type { AccountRecord } from '../provider/config/options.ts';

export const benchPassword = 'bench-password';
export const trivialHashCost: Argon2Cost = { m: 8, t: 1, p: 1 };

export type HashCost = 'trivial' | 'default';

export function username(cost: HashCost, index: number): string {
  return `${cost === 'trivial' ? 'fast' : 'slow'}-${String(index)}`;
}

/** `count` accounts of each cost. */
export async function benchAccounts(count: number): Promise<AccountRecord[]> {
  const records: AccountRecord[] = [];
  const trivial = await hashPassword(benchPassword, trivialHashCost);
  const standard = await hashPassword(benchPassword, DEFAULT_ARGON2_COST);
  for (let index = 0; index < count; index += 1) {
    // One hash per cost is enough: the salt makes no difference to the work of verifying.
    records.push({ username: username('trivial', index), password_hash: trivial, sub: `fast-${String(index)}` });
    records.push({ username: username('default', index), password_hash: standard, sub: `slow-${String(index)}` });
  }
  return records;
}
