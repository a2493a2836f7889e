import { html } from './html.ts';
import { layout } from './layout.ts';

/**
 * The page shown after a logout that has no post-logout redirect URI to return to (none given, or no client
 * identified): it says what happened, in one `h1`, and that the window may be closed.
 */
export function signedOutPage(options: { nonce: string; stillSignedIn?: boolean }): string {
  const title = options.stillSignedIn ? 'You are still signed in' : 'You have been signed out';
  return layout({
    title,
    nonce: options.nonce,
    body: html`<h1>${title}</h1>
      <p class="lead" role="status">
        ${
          options.stillSignedIn
            ? 'Your session here was kept. You can close this window.'
            : 'Your session has ended. You can close this window.'
        }
      </p>`,
  });
}
