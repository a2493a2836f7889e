import type { Response } from 'express';
import { signedOutPage } from '../pages/signed-out-page.ts';
import { sendPage } from '../pages/send.ts';
import type { EndSessionRequest } from './request.ts';

/**
 * Ends a logout: a 303 redirect to the validated post-logout redirect URI with `state` added to its query (its own
 * query kept), or — with no such URI — the provider's own page saying what happened. Nothing else is ever redirected
 * to.
 */
export function sendLogoutResponse(res: Response, request: EndSessionRequest, stillSignedIn: boolean): void {
  const uri = request.postLogoutRedirectUri;
  if (uri !== undefined) {
    const url = new URL(uri);
    if (request.params.state !== undefined) url.searchParams.append('state', request.params.state);
    res.set('Cache-Control', 'no-store').redirect(303, url.href);
    return;
  }
  sendPage(res, 200, (nonce) => signedOutPage({ nonce, stillSignedIn }));
}
