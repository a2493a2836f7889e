/**
 * A machine-to-machine client for tests that need a token request and nothing else: its registration (for a test
 * provider's `clients`) and a client_credentials request with its secret in HTTP Basic.
 */

export const m2mSecret = 'm2m-secret-value';

/** The client's registration, as a provider's `clients` entry. */
export const m2mClient = {
  client_id: 'm2m',
  client_secret: m2mSecret,
  redirect_uris: [],
  grant_types: ['client_credentials'],
  response_types: [],
};

/** POST `<url>/token` with grant_type=client_credentials, authenticated as the m2m client. */
export function m2mTokenRequest(url: string): Promise<Response> {
  return fetch(`${url}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`m2m:${m2mSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
}
