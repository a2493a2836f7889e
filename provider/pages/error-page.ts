import { html } from './html.ts';
import { layout } from './layout.ts';

/**
 * The page shown when an error cannot go back to the client — the client or its redirect_uri could not be trusted, or
 * an interaction link is stale. It names the error code and its description (both ours, escaped), never a stack.
 */
export function errorPage(options: {
  nonce: string;
  error: string;
  description?: string;
  title?: string;
  /** What the user can do next; by default, advice for a failed sign-in. */
  lead?: string;
}): string {
  const title = options.title ?? 'This sign-in request could not be completed';
  const lead =
    options.lead ??
    "Return to the application you came from and try signing in again. If the problem continues, contact the application's administrator and mention the details below.";
  return layout({
    title,
    nonce: options.nonce,
    body: html`<h1>${title}</h1>
      <p class="lead">${lead}</p>
      <div class="alert" role="alert">
        <p><strong>Error:</strong> <code>${options.error}</code></p>
        ${options.description ? html`<p>${options.description}</p>` : ''}
      </div>`,
  });
}
