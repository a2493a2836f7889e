/**
 * The account store: where end-users and their claims come from. The login page authenticates through it, and the ID
 * token and userinfo read claims from it. Behind this interface so other sources (LDAP, a Kubernetes Secret watcher,
 * an upstream IdP) can be added without touching endpoint code.
 */

/** An end-user as the provider sees it. */
export interface Account {
  /** Internal, stable id the provider stores in sessions, grants and tokens. */
  accountId: string;
  /** Subject identifier released to clients (`sub`); stable, never reassigned. */
  sub: string;
  /** Standard claims (OIDC Core §5.1), released by scope and `claims` parameter (`claims.ts`). Never `sub`. */
  claims: Readonly<Record<string, unknown>>;
}

export interface AccountStore {
  /** The account with this login name, or undefined. Used for `login_hint` and display, never to authenticate. */
  findByUsername(username: string): Promise<Account | undefined>;
  /** The account with this id, or undefined when it no longer exists (a grant or session outliving its account). */
  findById(accountId: string): Promise<Account | undefined>;
  /**
   * The account id when the password is right, undefined otherwise. Takes about the same time whether or not the
   * user exists, so response timing does not reveal which usernames exist.
   */
  authenticate(username: string, password: string): Promise<string | undefined>;
}
