/**
 * What each scope lets an application see, in words an end-user understands, for the consent page. Scopes the
 * provider was configured with beyond the standard ones are shown by name.
 */
export interface ScopeDescription {
  scope: string;
  title: string;
  detail?: string;
}

const descriptions: Readonly<Record<string, Omit<ScopeDescription, 'scope'>>> = {
  openid: { title: 'Confirm who you are', detail: 'Your account identifier on this service' },
  profile: {
    title: 'See your basic profile',
    detail: 'Name, username, picture, website, gender, birthdate, time zone and language',
  },
  email: { title: 'See your email address', detail: 'Including whether it has been verified' },
  address: { title: 'See your postal address' },
  phone: { title: 'See your phone number', detail: 'Including whether it has been verified' },
  offline_access: {
    title: 'Stay connected while you are away',
    detail: 'Keep access to these details until you sign out or the access is revoked',
  },
};

/** Descriptions of the requested scopes, in request order. */
export function describeScopes(scopes: readonly string[]): ScopeDescription[] {
  return scopes.map((scope) => ({ scope, ...(descriptions[scope] ?? { title: `Use the "${scope}" permission` }) }));
}
