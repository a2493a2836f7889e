import { html } from './html.ts';
import { layout } from './layout.ts';

/**
 * The logout confirmation page (RP-Initiated Logout §2: the OP SHOULD ask the end-user whether to log out). One form,
 * posted with its CSRF token and the validated request (client, post-logout URI, state), with two submit buttons:
 * `logout` ends the whole session at the provider, `stay` keeps it (ending only the requesting application's part).
 * "Sign out" comes first in the tab order and is the primary button.
 */
export function logoutPage(options: {
  nonce: string;
  action: string;
  csrfToken: string;
  accountLabel: string;
  /** Display name of the application that asked, when one was identified. */
  clientName?: string;
  /** Fields carried to the confirmation (already validated; checked again on submission). */
  hidden: Record<string, string>;
}): string {
  const inputs = Object.entries(options.hidden).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  return layout({
    title: 'Sign out?',
    nonce: options.nonce,
    body: html`<h1>Sign out?</h1>
      <p class="account">Signed in as <strong>${options.accountLabel}</strong></p>
      <p class="lead">
        ${
          options.clientName
            ? html`<strong>${options.clientName}</strong> asked to sign you out.`
            : html`An application asked to sign you out.`
        }
        Signing out ends your session here and in the applications you used it for.
      </p>
      <form method="post" action="${options.action}">
        <input type="hidden" name="csrf" value="${options.csrfToken}" />
        ${inputs}
        <div class="actions">
          <button type="submit" name="logout" value="yes">Sign out</button>
          <button type="submit" name="stay" value="yes" class="secondary">Stay signed in</button>
        </div>
      </form>`,
  });
}
