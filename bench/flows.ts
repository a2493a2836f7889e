/**
 * End-user flows as a browser makes them, against either server: the authorization request, the HTML login and
 * consent forms (their CSRF fields and cookies), the redirect back to the client, and the code redemption with PKCE.
 * Each flow gets a fresh cookie jar (a new browser: no session to reuse) and asks `prompt=consent`, so both servers
 * show both forms every time. A runner sends `X-Forwarded-For` with an address of its own, as users behind an ingress
 * would have (kubeoidc trusts loopback proxies and throttles logins per client address; oidc-provider ignores it).
 */
import { createHash, randomBytes } from 'node:crypto';
import { CookieJar, formsOf, type Page } from '../test/support/browserless-login.ts';
import { basicAuthorizationOf, benchWebClient, redirectUri } from './bench-client.ts';
import { send } from './http-client.ts';
import { json } from './load.ts';

/** One end-user: the account to log in with and the address it comes from. */
export interface EndUser {
  username: string;
  password: string;
  address: string;
}

/** A failed step, with what the server answered. */
export class FlowError extends Error {}

/** A browser for one flow: cookies, its own client address, manual redirects, a request count. */
class Browser {
  readonly jar = new CookieJar();
  readonly origin: string;
  readonly address: string;
  requests = 0;

  constructor(baseUrl: string, address: string) {
    this.origin = new URL(baseUrl).origin;
    this.address = address;
  }

  /** One request, no redirect followed: the page, or where it redirects. */
  async send(url: URL, body?: URLSearchParams): Promise<{ page: Page; location?: URL }> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.address };
    const cookie = this.jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    this.requests += 1;
    const answer = await send(url, {
      method: body ? 'POST' : 'GET',
      headers,
      ...(body ? { body: body.toString() } : {}),
    });
    this.jar.storeSetCookies(url, answer.setCookies);
    const page: Page = { url, status: answer.status, html: answer.text };
    if (answer.status >= 300 && answer.status < 400 && answer.location) {
      return { page, location: new URL(answer.location, url) };
    }
    return { page };
  }

  /** Follows redirects within the server; stops at a page or at the first redirect that leaves it. */
  async walk(url: URL, body?: URLSearchParams): Promise<{ page?: Page; leftTo?: URL }> {
    let step = await this.send(url, body);
    for (let hops = 0; hops < 10; hops += 1) {
      if (!step.location) return { page: step.page };
      if (step.location.origin !== this.origin) return { leftTo: step.location };
      step = await this.send(step.location);
    }
    throw new FlowError(`too many redirects from ${url.href}`);
  }
}

function pageText(page: Page): string {
  const text = page.html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
  return `${page.url.pathname} ${String(page.status)}: ${text.trim().slice(0, 200)}`;
}

/** The page's form of a kind: the login form has a password field; a consent form an accept button or prompt. */
function formOfKind(page: Page, kind: 'login' | 'consent') {
  const bodies = [...page.html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)].map((match) => match[1]);
  const index = bodies.findIndex((inner) =>
    kind === 'login'
      ? /name="password"/.test(inner)
      : /name="accept"/.test(inner) || /name="prompt" value="consent"/.test(inner),
  );
  return index < 0 ? undefined : formsOf(page)[index];
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizationUrl(baseUrl: string, challenge: string): URL {
  const url = new URL('/authorize', baseUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: benchWebClient.client_id,
    redirect_uri: redirectUri,
    scope: 'openid offline_access',
    prompt: 'consent',
    state: randomBytes(8).toString('base64url'),
    nonce: randomBytes(8).toString('base64url'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

/** Submits the login form of `page` (both servers' field names: kubeoidc `username`, oidc-provider `login`). */
async function submitLogin(browser: Browser, page: Page | undefined, user: EndUser) {
  const form = page && formOfKind(page, 'login');
  if (!page || !form) throw new FlowError(`expected the login form, got ${page ? pageText(page) : 'a redirect'}`);
  const fields = { ...form.hidden, username: user.username, login: user.username, password: user.password };
  const started = performance.now();
  const step = await browser.send(form.action, new URLSearchParams(fields));
  const ms = performance.now() - started;
  // A accepted login redirects onwards; a refused one shows the form again (200) or an error.
  if (!step.location) throw new FlowError(`login was not accepted: ${pageText(step.page)}`);
  return { location: step.location, ms };
}

/**
 * Only the login part of a flow: the authorization request, the login page, the login form submitted. Resolves the
 * time the login POST took (the password check is in it).
 */
export async function login(baseUrl: string, user: EndUser): Promise<{ ms: number; requests: number }> {
  const browser = new Browser(baseUrl, user.address);
  const start = await browser.walk(authorizationUrl(baseUrl, pkce().challenge));
  const { ms } = await submitLogin(browser, start.page, user);
  return { ms, requests: browser.requests };
}

/** What a whole code flow yields. */
export interface CodeFlowResult {
  refreshToken: string;
  idToken: string;
  requests: number;
}

/**
 * The phases of a code flow as a browser goes through them: the authorization request (its first answer only), the
 * login page (following its redirects), the login form's answer (that one request), the consent page (following the
 * login answer's redirects), the consent form's answer (through to the redirect back to the client), and the code
 * redeemed at the token endpoint. `npm run bench:phases` measures a server's CPU per phase.
 */
export const flowPhases = ['authorize', 'login-page', 'login', 'consent-page', 'consent', 'token'] as const;
export type FlowPhase = (typeof flowPhases)[number];

/** How far a flow went: the requests it made, and the tokens once it went through to the token request. */
export interface FlowProgress {
  requests: number;
  tokens?: { refreshToken: string; idToken: string };
}

/**
 * A code flow with PKCE through the forms, up to and including the phase `last`. Throws `FlowError` as soon as a phase
 * does not answer as it should.
 */
export async function codeFlowUntil(baseUrl: string, user: EndUser, last: FlowPhase): Promise<FlowProgress> {
  const until = flowPhases.indexOf(last);
  const browser = new Browser(baseUrl, user.address);
  const { verifier, challenge } = pkce();
  const authorization = await browser.send(authorizationUrl(baseUrl, challenge));
  if (authorization.page.status >= 400) {
    throw new FlowError(`the authorization request failed: ${pageText(authorization.page)}`);
  }
  if (until === 0) return { requests: browser.requests };
  const next = authorization.location;
  const start: { page?: Page; leftTo?: URL } = !next
    ? { page: authorization.page }
    : next.origin === browser.origin
      ? await browser.walk(next)
      : { leftTo: next };
  if (!start.page) throw new FlowError(`expected the login page, got a redirect to ${start.leftTo?.href ?? ''}`);
  if (until === 1) return { requests: browser.requests };
  const afterLogin = await submitLogin(browser, start.page, user);
  if (until === 2) return { requests: browser.requests };
  let step = afterLogin.location.origin === browser.origin ? await browser.walk(afterLogin.location) : {};
  const consent = step.page && formOfKind(step.page, 'consent');
  if (!step.page || !consent) {
    throw new FlowError(`expected the consent form, got ${step.page ? pageText(step.page) : 'a redirect'}`);
  }
  if (until === 3) return { requests: browser.requests };
  step = await browser.walk(consent.action, new URLSearchParams({ ...consent.hidden, accept: 'yes' }));
  const code = step.leftTo?.searchParams.get('code');
  if (!step.leftTo || !code) {
    throw new FlowError(`no code after consent: ${step.page ? pageText(step.page) : (step.leftTo?.href ?? '')}`);
  }
  if (until === 4) return { requests: browser.requests };
  browser.requests += 1;
  const answer = await send(new URL('/token', baseUrl), {
    method: 'POST',
    headers: {
      authorization: basicAuthorizationOf(benchWebClient),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }).toString(),
  });
  const tokens = json(answer.text) ?? {};
  if (answer.status !== 200 || typeof tokens.refresh_token !== 'string' || typeof tokens.id_token !== 'string') {
    throw new FlowError(`code redemption answered ${String(answer.status)} ${answer.text.slice(0, 200)}`);
  }
  return { requests: browser.requests, tokens: { refreshToken: tokens.refresh_token, idToken: tokens.id_token } };
}

/** A whole authorization code + PKCE flow through the forms, ending with the code redeemed at the token endpoint. */
export async function codeFlow(baseUrl: string, user: EndUser): Promise<CodeFlowResult> {
  const { requests, tokens } = await codeFlowUntil(baseUrl, user, 'token');
  if (!tokens) throw new FlowError('the flow ended before the token request');
  return { ...tokens, requests };
}
