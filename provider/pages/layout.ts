import { Html, html } from './html.ts';
import { stylesheet } from './styles.ts';

/**
 * The shell of every built-in page: language, viewport, title, the inline stylesheet under the CSP nonce, a brand
 * header and one `main` landmark. Pages pass their heading and content; the document outline stays the same on all.
 */

const logo = html`<svg viewBox="0 0 32 32" aria-hidden="true" focusable="false">
  <circle cx="16" cy="16" r="14" fill="none" stroke="currentColor" stroke-width="2.5" />
  <path
    d="M11 16.5l3.5 3.5L21.5 12"
    fill="none"
    stroke="currentColor"
    stroke-width="2.5"
    stroke-linecap="round"
    stroke-linejoin="round"
  />
</svg>`;

/** The stylesheet is ours and static: inserted verbatim (escaping would break selectors such as `>`). */
const trustedStylesheet = new Html(stylesheet);

export interface PageOptions {
  /** Document title (also what screen readers announce first). */
  title: string;
  /** Nonce of this response's Content-Security-Policy. */
  nonce: string;
  /** BCP 47 language of the page. */
  lang?: string;
  body: Html;
}

/** A complete HTML document. */
export function layout({ title, nonce, lang = 'en', body }: PageOptions): string {
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>${title}</title>
        <style nonce="${nonce}">
          ${trustedStylesheet}
        </style>
      </head>
      <body>
        <div class="brand">${logo}<span>kubeoidc</span></div>
        <main>${body}</main>
      </body>
    </html> `.text;
}
