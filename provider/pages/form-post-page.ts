import { html } from './html.ts';
import { layout } from './layout.ts';

/**
 * The `form_post` response mode (OAuth 2.0 Form Post Response Mode): an HTML form that the browser submits to the
 * client's redirect_uri at once, so the response parameters travel in a POST body instead of the URL. The script runs
 * under the page's CSP nonce; without script the user presses the button.
 */
export function formPostPage(options: {
  nonce: string;
  action: string;
  params: Record<string, string>;
  /** Heading and title; by default the return to the client. */
  title?: string;
}): string {
  const title = options.title ?? 'Returning to the application';
  const inputs = Object.entries(options.params).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  return layout({
    title,
    nonce: options.nonce,
    body: html`<h1>${title}…</h1>
      <form method="post" action="${options.action}" id="response">
        ${inputs}
        <noscript
          ><p class="lead">JavaScript is off: press the button to continue.</p>
          <div class="actions"><button type="submit">Continue</button></div></noscript
        >
      </form>
      <script nonce="${options.nonce}">
        document.getElementById('response').submit();
      </script>`,
  });
}
