import type { RequestHandler, Response } from 'express';
import { freshNonce } from './nonce.ts';

/**
 * Sending the built-in HTML pages with their security headers. helmet sets the generic ones (frame denial, no-sniff,
 * referrer policy, …); the Content-Security-Policy is written per response because it carries that response's nonce
 * and, for forms, where the form may go: Chromium applies `form-action` to every redirect after a submission, so a
 * login form whose answer redirects on to the client must allow the client's origin as well as our own.
 */

/**
 * helmet's headers (helmet 8's defaults, without its CSP, which `sendPage` writes), in helmet's order: what
 * `helmet({ contentSecurityPolicy: false })` sets, set by one function instead of helmet's chain of a dozen middlewares
 * per request. test/pages/page-headers.test.ts holds this to helmet itself.
 */
const securityHeaders: readonly (readonly [string, string])[] = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
];

/** The security headers of the HTML routes (see above). */
export const pageHeaders: RequestHandler = (_req, res, next) => {
  for (const [name, value] of securityHeaders) res.setHeader(name, value);
  // helmet's `xPoweredBy` (the app never sets it, but a header set before would go, as with helmet), then `xXssFilter`.
  res.removeHeader('X-Powered-By');
  res.setHeader('X-XSS-Protection', '0');
  next();
};

export interface PageSecurity {
  /** Origins (besides our own) a form on the page may submit or be redirected to. */
  formActions?: readonly string[];
  /** Whether the page runs its own inline script (form_post auto-submit). */
  script?: boolean;
  /** Whether our own origin may be a form target (false for form_post, which only posts to the client). */
  self?: boolean;
}

/** The Content-Security-Policy for a page with this nonce. */
export function pagePolicy(nonce: string, security: PageSecurity = {}): string {
  const formAction = [...(security.self === false ? [] : ["'self'"]), ...(security.formActions ?? [])];
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    ...(security.script ? [`script-src 'nonce-${nonce}'`] : []),
    "img-src 'self' data:",
    `form-action ${formAction.length > 0 ? formAction.join(' ') : "'none'"}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Renders a page with a fresh nonce and sends it uncached with its CSP. The response is written as Express's `res.send`
 * writes it — same headers in the same order (`Content-Type` with its charset, then `Content-Length`), the body as
 * UTF-8, none for HEAD — without its per-call work (content-type parsing, the ETag and freshness checks: there is no
 * ETag, and no-store pages are never fresh). A conditional request, for which `res.send` could answer 304, still goes
 * through `res.send`.
 */
export function sendPage(
  res: Response,
  status: number,
  render: (nonce: string) => string,
  security: PageSecurity = {},
): void {
  const nonce = freshNonce();
  res.status(status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Content-Security-Policy', pagePolicy(nonce, security));
  const body = render(nonce);
  const { headers, method } = res.req;
  if (headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined) {
    res.send(body);
    return;
  }
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  if (method === 'HEAD') res.end();
  else res.end(body, 'utf8');
}

/** The origin of a URL, for `form-action` (`undefined` for a URL that has none, such as a custom scheme). */
export function originOf(url: string): string | undefined {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? new URL(url).protocol : origin;
  } catch {
    return undefined;
  }
}
