import { randomBytes } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Sending the built-in HTML pages with their security headers. helmet sets the generic ones (frame denial, no-sniff,
 * referrer policy, …); the Content-Security-Policy is written per response because it carries that response's nonce
 * and, for forms, where the form may go: Chromium applies `form-action` to every redirect after a submission, so a
 * login form whose answer redirects on to the client must allow the client's origin as well as our own.
 */

/** helmet's headers for HTML routes, without its CSP (written by `sendPage`). */
export const pageHeaders: RequestHandler = helmet({ contentSecurityPolicy: false });

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

/** Renders a page with a fresh nonce and sends it uncached with its CSP. */
export function sendPage(
  res: Response,
  status: number,
  render: (nonce: string) => string,
  security: PageSecurity = {},
): void {
  const nonce = randomBytes(16).toString('base64');
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Content-Security-Policy': pagePolicy(nonce, security),
    })
    .send(render(nonce));
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
