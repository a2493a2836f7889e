import type { Account } from '../accounts/account-store.ts';

/** How the confirmation page names the signed-in account: "Name (username)", either part alone, or the subject. */
export function accountLabel(account: Account | undefined): string {
  if (!account) return 'your account';
  const { name, preferred_username: username } = account.claims;
  const parts = [name, username].filter((part): part is string => typeof part === 'string' && part !== '');
  if (parts.length === 2) return `${parts[0] ?? ''} (${parts[1] ?? ''})`;
  return parts[0] ?? account.sub;
}
