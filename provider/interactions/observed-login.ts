import type { LoginThrottle } from './login-throttle.ts';
import type { AccountStore } from '../accounts/account-store.ts';

/**
 * Makes password logins visible without touching the login pages: the account store and the login throttle the
 * endpoints receive are wrapped, and every outcome is reported — a successful `authenticate`, a failed one (wrong
 * username or password), and an attempt the throttle refuses (a lockout). EVENTS.md has no login events and stays as
 * it is; the runtime turns reports into a metric without an account label and a log line
 * (`kubeoidc_login_attempts_total{result}`, docs/metrics.md). Both the built-in login page and the device user-code
 * page authenticate through these, so both are counted.
 */

export type LoginOutcome = 'success' | 'failure' | 'locked_out';

/** Receives each outcome; `address` is the client address of a refused attempt (for the log, never a label). */
export type LoginObserver = (outcome: LoginOutcome, details: { address?: string }) => void;

/** The account store, reporting each password check's outcome. */
export function observedAccounts(accounts: AccountStore, observe: LoginObserver): AccountStore {
  return {
    findByUsername: (username) => accounts.findByUsername(username),
    findById: (accountId) => accounts.findById(accountId),
    async authenticate(username, password) {
      const accountId = await accounts.authenticate(username, password);
      observe(accountId === undefined ? 'failure' : 'success', {});
      return accountId;
    },
  };
}

/** The login throttle, reporting every attempt it refuses (it counts attempts before they are checked). */
export function observedThrottle(throttle: LoginThrottle, observe: LoginObserver): LoginThrottle {
  return {
    async admit(attempt) {
      const wait = await throttle.admit(attempt);
      if (wait > 0) observe('locked_out', { address: attempt.address });
      return wait;
    },
    begin(attempt) {
      const pending = throttle.begin(attempt);
      return {
        // Reported when the verdict is taken, as `admit` reports it: a withdrawn attempt was never the throttle's to
        // refuse (its form was refused for another reason first).
        async verdict() {
          const wait = await pending.verdict();
          if (wait > 0) observe('locked_out', { address: attempt.address });
          return wait;
        },
        withdraw: () => pending.withdraw(),
      };
    },
    succeeded: (attempt) => throttle.succeeded(attempt),
    refund: (attempt) => throttle.refund(attempt),
  };
}
