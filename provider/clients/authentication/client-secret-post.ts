/**
 * client_secret_post (RFC 6749 §2.3.1): `client_id` and `client_secret` in the form body. RFC 6749 discourages it
 * against Basic, but OIDC Core §9 lists it and many relying parties use it. Parsing only.
 */

/** The client id and secret of the body, when both are present. */
export function parsePost(
  body: Readonly<Partial<Record<string, string>>>,
): { clientId: string; secret: string } | undefined {
  const { client_id: clientId, client_secret: secret } = body;
  return clientId && secret ? { clientId, secret } : undefined;
}
