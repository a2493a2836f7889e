/**
 * The login throttle's counter names (without the store's prefix): per account — the username as typed, normalised so
 * case and compatibility forms do not multiply the limit — and per client address. Redis keeps them under
 * `<keyPrefix>login:`, the names rate-limiter-flexible gave them.
 */

export function accountKey(username: string): string {
  return `account:${username.normalize('NFKC').toLowerCase()}`;
}

export function addressKey(address: string): string {
  return `address:${address}`;
}
