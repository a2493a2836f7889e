/**
 * Fixtures of the device flow tests: a provider with the device flow on and device clients — `tv` (public, `none`),
 * `tv-secret` (client_secret_basic) — next to the back-channel fixture's account `alice`; the device authorization
 * request; polling the token endpoint; and the end-user's side in a browserless browser: the user-code page, login
 * and consent through the real forms, up to the final page.
 */
import { deviceCodeGrantType } from '../../provider/device/grant-type.ts';
import type { Clock } from '../../provider/time/clock.ts';
import { BrowserlessClient, formOf, formsOf, isPage, type Page } from '../support/browserless-login.ts';
import { redirectUri, startBackChannelProvider, type BackChannelProvider } from '../token/fixtures.ts';

export const alice = { username: 'alice', password: 'alice-password' };
export const tvSecret = 'tv-secret-value';
const scope = 'openid profile email offline_access';

export function startDeviceProvider(
  options: { clock?: Clock } = {},
  overrides: Record<string, unknown> = {},
): Promise<BackChannelProvider> {
  return startBackChannelProvider(
    {
      ...overrides,
      features: { deviceFlow: { enabled: true } },
      clients: [
        {
          client_id: 'tv',
          token_endpoint_auth_method: 'none',
          grant_types: [deviceCodeGrantType, 'refresh_token'],
          scope,
        },
        {
          client_id: 'tv-secret',
          client_secret: tvSecret,
          grant_types: [deviceCodeGrantType],
          scope,
          client_name: 'Living Room TV',
        },
        { client_id: 'web', client_secret: 'web-secret', redirect_uris: [redirectUri], scope },
      ],
    },
    options,
  );
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export async function form(
  url: string,
  fields: Record<string, string>,
  authorization?: string,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

/** POST /device/authorize for the public client `tv`. */
export async function authorizeDevice(
  provider: BackChannelProvider,
  fields: Record<string, string> = { client_id: 'tv', scope: 'openid profile offline_access' },
): Promise<DeviceAuthorization> {
  const { status, body } = await form(`${provider.issuer}/device/authorize`, fields);
  if (status !== 200) throw new Error(`device authorization failed: ${JSON.stringify(body)}`);
  return body as unknown as DeviceAuthorization;
}

/** One poll of the token endpoint by `tv`. */
export function poll(
  provider: BackChannelProvider,
  deviceCode: string,
  clientId = 'tv',
): Promise<{ status: number; body: Record<string, unknown> }> {
  return form(`${provider.issuer}/token`, {
    grant_type: deviceCodeGrantType,
    device_code: deviceCode,
    client_id: clientId,
  });
}

function asPage(step: Awaited<ReturnType<BrowserlessClient['get']>>): Page {
  if (!isPage(step)) throw new Error(`left the provider for ${step.url.href}`);
  return step;
}

/** The user-code page's form submitted with `userCode` (as typed). */
export async function enterUserCode(
  browser: BrowserlessClient,
  provider: BackChannelProvider,
  userCode: string,
): Promise<Page> {
  const page = asPage(await browser.get(`${provider.issuer}/device`));
  return asPage(await browser.submit(formOf(page, '/device'), { user_code: userCode }));
}

/**
 * The end-user's whole side: opens `verification_uri_complete`, submits the prefilled code, logs in (unless the
 * browser has a session), answers the consent page, and returns the last page.
 */
export async function approveInBrowser(
  provider: { issuer: string },
  authorization: DeviceAuthorization,
  options: { answer?: 'accept' | 'deny'; browser?: BrowserlessClient } = {},
): Promise<Page> {
  const browser = options.browser ?? new BrowserlessClient(provider.issuer);
  const start = asPage(await browser.get(authorization.verification_uri_complete));
  let page = asPage(await browser.submit(formOf(start, '/device'), { user_code: authorization.user_code }));
  if (formsOf(page).some((f) => f.action.pathname.endsWith('/login'))) {
    page = asPage(await browser.submit(formOf(page, '/login'), alice));
  }
  return asPage(await browser.submit(formOf(page, '/consent'), { [options.answer ?? 'accept']: 'yes' }));
}
