/**
 * What the platform engineer applies in the story: the accounts Secret, an OIDCProvider and OIDCClients. Plain
 * objects, applied with `kubectl apply` as a user would apply YAML.
 */
import { hashPassword } from '../../../provider/accounts/password.ts';

/** The user who signs in. */
export const ALICE = { username: 'alice', password: 'alice-story-password' };

/** The app's redirect URI (the relying party's callback on the engineer's laptop). */
export const REDIRECT_URI = 'http://127.0.0.1:8080/callback';

/** The accounts Secret, as `kubeoidc hash-password` and `kubectl create secret` would make it. */
export async function accountsSecret(namespace: string, name: string): Promise<object> {
  const accounts = [
    {
      sub: 'alice-sub',
      username: ALICE.username,
      password_hash: await hashPassword(ALICE.password),
      claims: { name: 'Alice Example', email: 'alice@example.com', email_verified: true },
    },
  ];
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    stringData: { 'accounts.yaml': JSON.stringify(accounts) },
  };
}

/** The OIDCProvider: `replicas` pods on the chart's evaluation Redis, reached at `issuer`. */
export function oidcProvider(
  namespace: string,
  name: string,
  options: { issuer: string; redisUrl: string; accountsSecret: string; replicas: number; spec?: object },
): object {
  return {
    apiVersion: 'kubeoidc.dev/v1alpha1',
    kind: 'OIDCProvider',
    metadata: { name, namespace },
    spec: {
      issuer: options.issuer,
      replicas: options.replicas,
      redis: { url: options.redisUrl },
      accountsSecretRef: { name: options.accountsSecret },
      features: { introspection: { enabled: true }, revocation: { enabled: true } },
      service: { port: 80 },
      ...options.spec,
    },
  };
}

/**
 * A confidential web app's OIDCClient (code + refresh, and client_credentials for its backend), its credentials in
 * Secret `<name>-oidc`.
 */
export function oidcClient(namespace: string, name: string, provider: string): object {
  return {
    apiVersion: 'kubeoidc.dev/v1alpha1',
    kind: 'OIDCClient',
    metadata: { name, namespace },
    spec: {
      providerRef: { name: provider },
      clientName: `Story app ${name}`,
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      responseTypes: ['code'],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      secret: { name: `${name}-oidc` },
      deletionPolicy: 'Delete',
    },
  };
}
