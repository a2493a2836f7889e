/**
 * Minimal valid storage records for tests that store something and read it back, where the record's content does not
 * matter: a Grant and an AuthorizationCode with the given id.
 */
import type { AuthorizationCode, Grant } from '../../provider/models/types.ts';

export const grantRecord = (jti: string): Grant => ({
  jti,
  kind: 'Grant',
  iat: 0,
  exp: 0,
  accountId: 'a',
  clientId: 'c',
  scopes: [],
  claims: [],
  resources: {},
});

export const codeRecord = (jti: string): AuthorizationCode => ({
  jti,
  kind: 'AuthorizationCode',
  iat: 0,
  exp: 0,
  accountId: 'a',
  clientId: 'c',
  grantId: 'g',
  scope: 'openid',
  redirectUri: 'https://rp.example/cb',
});
