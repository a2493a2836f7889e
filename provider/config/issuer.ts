/** Hosts on which a plain-http issuer is tolerated (development on one machine). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Why an issuer identifier is unacceptable, or undefined when it is fine. OIDC Discovery §3: https, no query, no
 * fragment; plain http only on loopback.
 */
export function issuerProblem(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return `"${issuer}" is not a URL`;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return 'must use https (plain http only on localhost/127.0.0.1/[::1])';
  }
  if (url.search || url.hash || issuer.includes('?') || issuer.includes('#'))
    return 'must not have a query or fragment';
  if (issuer.endsWith('/')) return 'must not end with "/"';
  if (url.username || url.password) return 'must not contain credentials';
  return undefined;
}
