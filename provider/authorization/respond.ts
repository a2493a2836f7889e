import type { Response } from 'express';
import { formPostPage } from '../pages/form-post-page.ts';
import { originOf, sendPage } from '../pages/send.ts';
import type { ResponseMode } from './request.ts';

/**
 * Delivers an authorization response — success or error — to the client's (validated) redirect URI in the chosen
 * response mode: `query` and `fragment` by a 303 redirect (RFC 6749 §4.1.2, OAuth 2.0 Multiple Response Types §2),
 * `form_post` by an auto-submitting form (Form Post Response Mode). Callers always include `iss` (RFC 9207).
 */
export function sendAuthorizationResponse(
  res: Response,
  response: { redirectUri: string; mode: ResponseMode; params: Record<string, string> },
): void {
  const { redirectUri, mode, params } = response;
  res.set('Cache-Control', 'no-store');
  switch (mode) {
    case 'query': {
      // Keep the redirect URI's own query (RFC 6749 §3.1.2) and add ours after it.
      const url = new URL(redirectUri);
      for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
      res.redirect(303, url.href);
      return;
    }
    case 'fragment':
      res.redirect(303, `${redirectUri}#${new URLSearchParams(params).toString()}`);
      return;
    case 'form_post': {
      const origin = originOf(redirectUri);
      sendPage(res, 200, (nonce) => formPostPage({ nonce, action: redirectUri, params }), {
        script: true,
        self: false,
        formActions: origin ? [origin] : [],
      });
      return;
    }
  }
}
