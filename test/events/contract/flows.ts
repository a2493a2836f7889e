/**
 * The steps the situations are made of, through HTTP only: an authorization request walked step by step through the
 * real login and consent pages (a browser without a browser), the token endpoint, and the pages' forms.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  BrowserlessClient,
  formOf,
  isPage,
  type AuthorizationResponse,
  type Page,
} from '../../support/browserless-login.ts';
import { alice, basic, postForm, redirectUri, webSecret, type ContractProvider } from './harness.ts';

export { BrowserlessClient };

/** A PKCE pair (S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The authorization URL of a code request with PKCE. */
export function authorizationUrl(p: ContractProvider, challenge: string, extra: Record<string, string> = {}): URL {
  const url = new URL('/authorize', p.issuer);
  const params = {
    client_id: 'web',
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid profile offline_access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'contract-state',
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

export function asPage(step: Page | AuthorizationResponse): Page {
  if (!isPage(step)) throw new Error(`expected a page, left for ${step.url.href}`);
  return step;
}

export function asResponse(step: Page | AuthorizationResponse): AuthorizationResponse {
  if (isPage(step))
    throw new Error(`expected a redirect to the client, got page ${step.url.href} (${String(step.status)})`);
  return step;
}

/** Opens the authorization URL: the login page (no session). */
export async function openLogin(browser: BrowserlessClient, url: URL): Promise<Page> {
  return asPage(await browser.get(url));
}

/** Submits the login form: the consent page (or the response, if consent is remembered). */
export function submitLogin(browser: BrowserlessClient, page: Page): Promise<Page | AuthorizationResponse> {
  return browser.submit(formOf(page, '/login'), alice);
}

/** Answers the consent page. */
export function submitConsent(
  browser: BrowserlessClient,
  page: Page,
  answer: 'accept' | 'deny' = 'accept',
): Promise<Page | AuthorizationResponse> {
  return browser.submit(formOf(page, '/consent'), { [answer]: 'yes' });
}

/** POSTs to the token endpoint as `web` (client_secret_basic) unless other credentials (or `null`: none) are given. */
export function token(
  p: ContractProvider,
  fields: Record<string, string>,
  authorization: string | null = basic('web', webSecret),
): Promise<{ status: number; body: Record<string, unknown> }> {
  return postForm(`${p.issuer}/token`, fields, authorization ?? undefined);
}

/** Exchanges a code of `web`. */
export function redeem(
  p: ContractProvider,
  code: string,
  verifier: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return token(p, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
}

/** A whole sign-in of `web` in a fresh browser (login and consent), up to the code; events are left to the caller. */
export async function signIn(
  p: ContractProvider,
  extra: Record<string, string> = {},
  browser = new BrowserlessClient(p.issuer),
): Promise<{ code: string; verifier: string; browser: BrowserlessClient }> {
  const { verifier, challenge } = pkce();
  const login = await openLogin(browser, authorizationUrl(p, challenge, extra));
  const consent = asPage(await submitLogin(browser, login));
  const response = asResponse(await submitConsent(browser, consent));
  const code = response.params.get('code');
  if (!code) throw new Error(`no code: ${response.params.toString()}`);
  return { code, verifier, browser };
}

/** A sign-in and its code redeemed: the tokens of `web`. */
export async function tokensOf(
  p: ContractProvider,
  extra: Record<string, string> = {},
): Promise<{ access: string; refresh: string; idToken: string; browser: BrowserlessClient }> {
  const { code, verifier, browser } = await signIn(p, extra);
  const { status, body } = await redeem(p, code, verifier);
  if (status !== 200) throw new Error(`code not redeemed: ${JSON.stringify(body)}`);
  return {
    access: body.access_token as string,
    refresh: body.refresh_token as string,
    idToken: body.id_token as string,
    browser,
  };
}
