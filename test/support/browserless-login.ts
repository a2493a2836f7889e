/**
 * A browser without a browser: `fetch` with a cookie jar that walks the provider's login and consent pages the way a
 * user's browser would — GET the authorization URL, follow the provider's redirects, fill and submit the login form
 * (`username`, `password`), submit the consent form (`accept` or `deny`), and stop at the first redirect that leaves
 * the provider (or at a `form_post` page), which is the authorization response to the client. Real HTTP against a
 * real provider; the forms' CSRF tokens and cookies are handled as a browser would handle them.
 *
 *   const { url, params } = await browserlessLogin(authorizationUrl, { username: 'demo', password: 'demo' });
 *   params.get('code') // the authorization response, whatever the response mode
 */

/** One cookie as the jar keeps it. */
interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expires?: number;
}

/** A minimal cookie jar for one host: honours Path, Max-Age and Expires, which is what the provider's cookies use. */
export class CookieJar {
  readonly #cookies: StoredCookie[] = [];

  /** Stores the `Set-Cookie` headers of a response to `url`. */
  store(url: URL, response: Response): void {
    this.storeSetCookies(url, response.headers.getSetCookie());
  }

  /** Stores `Set-Cookie` header values received from `url` (for clients other than fetch). */
  storeSetCookies(url: URL, setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const cookie: StoredCookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: defaultPath(url) };
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') cookie.path = value;
        if (key.toLowerCase() === 'max-age') cookie.expires = Date.now() + Number(value) * 1000;
        if (key.toLowerCase() === 'expires' && cookie.expires === undefined) cookie.expires = Date.parse(value);
      }
      const index = this.#cookies.findIndex((c) => c.name === cookie.name && c.path === cookie.path);
      if (index >= 0) this.#cookies.splice(index, 1);
      if (cookie.expires === undefined || cookie.expires > Date.now()) this.#cookies.push(cookie);
    }
  }

  /** The `Cookie` header for a request to `url` (most specific path first, as browsers send it). */
  header(url: URL): string {
    return this.#cookies
      .filter((c) => (c.expires === undefined || c.expires > Date.now()) && pathMatches(url.pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** The value of a cookie by name (any path), for tests that tamper with it. */
  get(name: string): string | undefined {
    return this.#cookies.find((c) => c.name === name)?.value;
  }

  /** Replaces or removes (value undefined) every cookie with this name. */
  set(name: string, value: string | undefined): void {
    for (let i = this.#cookies.length - 1; i >= 0; i -= 1) {
      const cookie = this.#cookies.at(i);
      if (cookie?.name !== name) continue;
      if (value === undefined) this.#cookies.splice(i, 1);
      else cookie.value = value;
    }
  }
}

function defaultPath(url: URL): string {
  const path = url.pathname;
  return path.lastIndexOf('/') > 0 ? path.slice(0, path.lastIndexOf('/')) : '/';
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  return (
    requestPath === cookiePath ||
    (requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'))
  );
}

/** A page the provider answered with. */
export interface Page {
  url: URL;
  status: number;
  html: string;
}

/** A form on a page: its absolute action URL and its hidden fields. */
export interface Form {
  action: URL;
  hidden: Record<string, string>;
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

function unescape(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => entities[entity] ?? entity);
}

function attributes(tag: string): Partial<Record<string, string>> {
  const found: Partial<Record<string, string>> = {};
  for (const match of tag.matchAll(/([\w-]+)="([^"]*)"/g)) found[match[1]] = unescape(match[2]);
  return found;
}

/** The forms of a page: absolute action, hidden inputs, and whether it is the `form_post` response (`id="response"`). */
export function formsOf(page: Page): (Form & { id?: string })[] {
  const forms: (Form & { id?: string })[] = [];
  for (const match of page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const form = attributes(match[1]);
    const hidden: Record<string, string> = {};
    for (const input of match[2].matchAll(/<input\b([^>]*)>/g)) {
      const attrs = attributes(input[1]);
      if (attrs.type === 'hidden' && attrs.name !== undefined) hidden[attrs.name] = attrs.value ?? '';
    }
    forms.push({ action: new URL(form.action ?? '', page.url), hidden, ...(form.id ? { id: form.id } : {}) });
  }
  return forms;
}

/** The form whose action ends with `suffix` (`/login`, `/consent`, `/abort`). */
export function formOf(page: Page, suffix: string): Form {
  const form = formsOf(page).find((candidate) => candidate.action.pathname.endsWith(suffix));
  if (!form) throw new Error(`no ${suffix} form on ${page.url.href} (status ${String(page.status)})`);
  return form;
}

/** The end of a walk: the authorization response the client would receive. */
export interface AuthorizationResponse {
  /** The client URL redirected to (with query or fragment), or the form_post target. */
  url: URL;
  /** The response parameters, from the query, the fragment or the form_post body. */
  params: URLSearchParams;
  mode: 'query' | 'fragment' | 'form_post';
}

/**
 * A browser session against one provider: a cookie jar plus GET and form POST that follow the provider's own
 * redirects and stop at pages, or at the first redirect that leaves the provider.
 */
export class BrowserlessClient {
  readonly jar: CookieJar;
  readonly #origin: string;

  constructor(providerUrl: string | URL, jar = new CookieJar()) {
    this.#origin = new URL(providerUrl).origin;
    this.jar = jar;
  }

  /** GET, following redirects within the provider. */
  get(url: string | URL): Promise<Page | AuthorizationResponse> {
    return this.#request(new URL(url), { method: 'GET' });
  }

  /** Submits a form with extra fields (as a browser does: hidden fields plus the named inputs and the button). */
  submit(form: Form, fields: Record<string, string>): Promise<Page | AuthorizationResponse> {
    const body = new URLSearchParams({ ...form.hidden, ...fields });
    return this.#request(form.action, { method: 'POST', body });
  }

  /** POSTs arbitrary fields to a URL (to test what a forged or incomplete submission gets). */
  post(url: string | URL, fields: Record<string, string>): Promise<Page | AuthorizationResponse> {
    return this.#request(new URL(url), { method: 'POST', body: new URLSearchParams(fields) });
  }

  async #request(url: URL, init: { method: string; body?: URLSearchParams }): Promise<Page | AuthorizationResponse> {
    let current = url;
    let request = init;
    for (let hops = 0; hops < 20; hops += 1) {
      const headers: Record<string, string> = {};
      const cookie = this.jar.header(current);
      if (cookie) headers.cookie = cookie;
      if (request.body) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await fetch(current, {
        method: request.method,
        headers,
        redirect: 'manual',
        ...(request.body ? { body: request.body.toString() } : {}),
      });
      this.jar.store(current, response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, current);
        if (next.origin !== this.#origin) return redirectResponse(next);
        current = next;
        request = { method: 'GET' };
        continue;
      }
      const page: Page = { url: current, status: response.status, html: await response.text() };
      const formPost = formsOf(page).find((form) => form.id === 'response');
      if (formPost) return { url: formPost.action, params: new URLSearchParams(formPost.hidden), mode: 'form_post' };
      return page;
    }
    throw new Error(`too many redirects from ${url.href}`);
  }
}

function redirectResponse(url: URL): AuthorizationResponse {
  if (url.hash.length > 1) return { url, params: new URLSearchParams(url.hash.slice(1)), mode: 'fragment' };
  return { url, params: url.searchParams, mode: 'query' };
}

/** Whether a step ended at a page (rather than at the client). */
export function isPage(step: Page | AuthorizationResponse): step is Page {
  return 'html' in step;
}

export interface BrowserlessLoginOptions {
  username: string;
  password: string;
  /** What to answer on the consent page, if it is shown (default `accept`). */
  consent?: 'accept' | 'deny';
  /** Reuse a client (and its cookies: an existing session) across several logins. */
  client?: BrowserlessClient;
}

/**
 * Walks an authorization URL to its response: logs in and consents when the provider asks, skips what it does not ask
 * (an existing session, a remembered grant). Throws with the page's text when the provider stops at another page
 * (an error page, a rejected login).
 */
export async function browserlessLogin(
  authorizationUrl: string | URL,
  options: BrowserlessLoginOptions,
): Promise<AuthorizationResponse & { client: BrowserlessClient }> {
  const client = options.client ?? new BrowserlessClient(authorizationUrl);
  let step = await client.get(authorizationUrl);
  for (let pages = 0; pages < 5 && isPage(step); pages += 1) {
    if (formsOf(step).some((form) => form.action.pathname.endsWith('/login')) && step.status === 200) {
      step = await client.submit(formOf(step, '/login'), { username: options.username, password: options.password });
    } else if (formsOf(step).some((form) => form.action.pathname.endsWith('/consent'))) {
      const answer = options.consent ?? 'accept';
      step = await client.submit(formOf(step, '/consent'), { [answer]: 'yes' });
    } else {
      break;
    }
  }
  if (isPage(step)) {
    const text = step.html
      .replace(/<style[\s\S]*?<\/style>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');
    throw new Error(`login stopped at ${step.url.href} (status ${String(step.status)}): ${text.trim().slice(0, 400)}`);
  }
  return { ...step, client };
}
