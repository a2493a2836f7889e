/**
 * Server-side HTML templating by tagged template literals: every interpolated value is HTML-escaped unless it is
 * itself `Html` made by this tag, so a page cannot be injected into by a client name, a login hint or an error text.
 * Three small pages do not justify a template engine; this keeps escaping the default and the pages plain TypeScript.
 */

/** A piece of HTML that is already safe (made by `html`). */
export class Html {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  toString(): string {
    return this.text;
  }
}

const replacements: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => replacements[character] ?? character);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(typeof value === 'string' ? value : JSON.stringify(value));
}

/** `html\`<p>${text}</p>\``: interpolations escaped, nested `Html` and arrays of it kept; null/undefined/false empty. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}
