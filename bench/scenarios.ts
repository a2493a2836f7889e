import { basicAuthorization } from './bench-client.ts';

/** One request repeated under load. Paths differ between servers only where their routes differ. */
export interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export const scenarios: Scenario[] = [
  { name: 'discovery', method: 'GET', path: '/.well-known/openid-configuration' },
  { name: 'jwks', method: 'GET', path: '/jwks' },
  {
    name: 'client_credentials (client_secret_basic)',
    method: 'POST',
    path: '/token',
    headers: { authorization: basicAuthorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=api%3Aread',
  },
];
