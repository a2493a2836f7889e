import { html } from './html.ts';
import { layout } from './layout.ts';

/**
 * The device flow's pages (RFC 8628 §3.3): the form where the end-user types the code their device shows, and the
 * page that ends the flow in the browser. Accessible as the login page is: one `h1`, a label bound to the input, the
 * error announced (`role="alert"`) and tied to the input (`aria-describedby`, `aria-invalid`), autofocus on the input.
 * The form posts `user_code` and the CSRF token.
 */
export function userCodePage(options: {
  nonce: string;
  /** Form target (absolute URL). */
  action: string;
  csrfToken: string;
  /** Prefilled code (`verification_uri_complete`, or what was typed before an error). */
  userCode?: string;
  error?: string;
}): string {
  const { nonce, error, userCode = '' } = options;
  const described = error ? 'code-error' : undefined;
  return layout({
    title: 'Connect a device',
    nonce,
    body: html`<h1>Connect a device</h1>
      <p class="lead">Enter the code shown on your device.</p>
      ${error ? html`<div class="alert" role="alert" id="code-error"><p>${error}</p></div>` : ''}
      <form method="post" action="${options.action}" autocomplete="off">
        <input type="hidden" name="csrf" value="${options.csrfToken}" />
        <div class="field">
          <label for="user_code">Code</label>
          <input
            type="text"
            id="user_code"
            name="user_code"
            value="${userCode}"
            required
            autocomplete="one-time-code"
            autocapitalize="characters"
            spellcheck="false"
            aria-describedby="code-hint${described ? html` ${described}` : ''}"
            ${described ? html` aria-invalid="true"` : ''}
            autofocus
          />
          <p id="code-hint" class="detail">Eight letters, for example BCDF-GHJK.</p>
        </div>
        <div class="actions"><button type="submit">Continue</button></div>
      </form>`,
  });
}

/** The end of the flow in the browser: approved (return to the device) or denied. */
export function deviceResultPage(options: { nonce: string; approved: boolean; clientName: string }): string {
  const title = options.approved ? 'Your device is connected' : 'Device access denied';
  const lead = options.approved
    ? html`<strong>${options.clientName}</strong> can now continue. You may return to your device and close this page.`
    : html`<strong>${options.clientName}</strong> was not given access. You may close this page.`;
  return layout({
    title,
    nonce: options.nonce,
    body: html`<h1>${title}</h1>
      <p class="lead" role="status">${lead}</p>`,
  });
}
