import type { ScopeDescription } from '../interactions/scope-descriptions.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';

const check = html`<svg class="check" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
  <path
    d="M4 10.5l4 4 8-9"
    fill="none"
    stroke="currentColor"
    stroke-width="2.2"
    stroke-linecap="round"
    stroke-linejoin="round"
  />
</svg>`;

/**
 * The built-in consent page: who is signed in, which application asks, what it asks for in words (each scope and any
 * individually requested claim, the resource the access is for), and where the browser will return. Two submit buttons in one form: `accept` allows,
 * `deny` refuses (the client then receives `access_denied`).
 */
export function consentPage(options: {
  nonce: string;
  clientName: string;
  /** Where the answer is returned (the redirect URI's origin), so the user can tell a look-alike. */
  returnOrigin?: string;
  accountLabel: string;
  scopes: readonly ScopeDescription[];
  /** Individually requested claims (the `claims` parameter) not covered by a scope. */
  claims: readonly string[];
  /** The resource indicator (RFC 8707) the access is for, when the request named one. */
  resource?: string;
  action: string;
  csrfToken: string;
}): string {
  const { nonce, clientName } = options;
  const items = options.scopes.map(
    (scope) =>
      html`<li>
        ${check}<span
          ><span class="name">${scope.title}</span>${
            scope.detail ? html`<span class="detail">${scope.detail}</span>` : ''
          }</span
        >
      </li>`,
  );
  if (options.claims.length > 0) {
    items.push(
      html`<li>
        ${check}<span
          ><span class="name">See these details about you</span>
          <span class="detail"
            >${options.claims.map((claim, index) => html`${index > 0 ? ', ' : ''}<code>${claim}</code>`)}</span
          ></span
        >
      </li>`,
    );
  }
  if (options.resource !== undefined) {
    items.push(
      html`<li>
        ${check}<span
          ><span class="name">Use this access at</span>
          <span class="detail"><code>${options.resource}</code></span></span
        >
      </li>`,
    );
  }
  return layout({
    title: `Allow ${clientName} to access your account?`,
    nonce,
    body: html`<h1>Allow access?</h1>
      <p class="account">Signed in as <strong>${options.accountLabel}</strong></p>
      <p class="lead"><strong>${clientName}</strong> would like to:</p>
      <ul class="scopes" aria-label="Requested permissions">
        ${items}
      </ul>
      <form method="post" action="${options.action}">
        <input type="hidden" name="csrf" value="${options.csrfToken}" />
        <div class="actions">
          <button type="submit" name="deny" value="yes" class="secondary">Deny</button>
          <button type="submit" name="accept" value="yes">Allow</button>
        </div>
      </form>
      ${options.returnOrigin ? html`<p class="fine">Whatever you choose, you will be returned to <strong>${options.returnOrigin}</strong>. Only allow applications you trust.</p>` : ''}`,
  });
}
