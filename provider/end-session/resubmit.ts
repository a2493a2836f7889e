import type { Response } from 'express';
import type { ProviderConfig } from '../config/options.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import { formPostPage } from '../pages/form-post-page.ts';
import { sendPage } from '../pages/send.ts';
import { endSessionParameters } from './parameters.ts';
import type { EndSessionRequest } from './request.ts';

/** The field that marks a logout request as resubmitted from the provider's own page (so it happens once). */
export const resubmitted = 'resubmitted';

/**
 * An RP may send the logout request as a form POST (RP-Initiated Logout §2). Coming from the RP's site, such a POST
 * carries no SameSite=Lax session cookie, so the provider would see nobody signed in and end nothing. Like
 * oidc-provider's auto-submitting form, this page posts the same recognised parameters again from the provider's own
 * origin — a same-site request, which carries the cookie — marked so that it is done only once. The parameters stay
 * in a POST body (never moved into a URL), and the script runs under the page's CSP nonce.
 */
export function sendResubmitPage(res: Response, config: ProviderConfig, request: EndSessionRequest): void {
  const params: Record<string, string> = { [resubmitted]: 'yes' };
  for (const name of endSessionParameters) {
    const value = request.params[name];
    if (value !== undefined) params[name] = value;
  }
  sendPage(
    res,
    200,
    (nonce) =>
      formPostPage({ nonce, title: 'Signing out', action: endpointUrl(config.issuer, paths.endSession), params }),
    {
      script: true,
    },
  );
}
