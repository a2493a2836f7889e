import { html } from './html.ts';
import { layout } from './layout.ts';

/**
 * The built-in login page. Accessible by construction: one `h1`, labels bound to their inputs, autocomplete hints for
 * password managers, the error announced (`role="alert"`) and tied to the fields it concerns (`aria-describedby`,
 * `aria-invalid`), focus starting on the first field that needs input, and a tab order that follows the page. The form
 * posts `username`, `password` and the interaction's CSRF token; a second form cancels the sign-in.
 */
export function loginPage(options: {
  nonce: string;
  clientName: string;
  /** Form targets (absolute paths). */
  loginAction: string;
  abortAction: string;
  csrfToken: string;
  /** Prefilled username (`login_hint`, or what was typed before an error). */
  username?: string;
  /** Error text for the whole form (wrong credentials, too many attempts). */
  error?: string;
}): string {
  const { nonce, clientName, error, username = '' } = options;
  const described = error ? 'login-error' : undefined;
  const focusPassword = username !== '';
  return layout({
    title: `Sign in to continue to ${clientName}`,
    nonce,
    body: html`<h1>Sign in</h1>
      <p class="lead">to continue to <strong>${clientName}</strong></p>
      ${error ? html`<div class="alert" role="alert" id="login-error"><p>${error}</p></div>` : ''}
      <form method="post" action="${options.loginAction}" autocomplete="on">
        <input type="hidden" name="csrf" value="${options.csrfToken}" />
        <div class="field">
          <label for="username">Username</label>
          <input
            type="text"
            id="username"
            name="username"
            value="${username}"
            required
            autocomplete="username"
            autocapitalize="none"
            spellcheck="false"
            ${described ? html` aria-describedby="${described}" aria-invalid="true"` : ''}${focusPassword ? '' : html` autofocus`}
          />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            type="password"
            id="password"
            name="password"
            required
            autocomplete="current-password"
            ${described ? html` aria-describedby="${described}" aria-invalid="true"` : ''}${focusPassword ? html` autofocus` : ''}
          />
        </div>
        <div class="actions"><button type="submit">Sign in</button></div>
      </form>
      <form method="post" action="${options.abortAction}">
        <input type="hidden" name="csrf" value="${options.csrfToken}" />
        <div class="cancel"><button type="submit" class="link">Cancel sign-in</button></div>
      </form>`,
  });
}
