/** The one client both servers are given, so the scenarios are the same request against each. */
export const benchClient = {
  client_id: 'bench',
  client_secret: 'bench-secret-0123456789abcdef',
  redirect_uris: ['http://127.0.0.1:8080/callback'],
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'api:read',
};

export const basicAuthorization = `Basic ${Buffer.from(
  `${encodeURIComponent(benchClient.client_id)}:${encodeURIComponent(benchClient.client_secret)}`,
).toString('base64')}`;
