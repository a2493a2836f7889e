/**
 * Delivers a logout token to a client's `backchannel_logout_uri` (OIDC Back-Channel Logout 1.0 §2.5): a form POST with
 * the single field `logout_token`. The RP answers 200 (or 204) on success; anything else — another status, a redirect
 * (never followed: the token goes only to the registered URI), a network failure or no answer within the timeout — is
 * a failure. Error messages name the status or the failure kind, never the token.
 */

/** How long an RP has to answer (ms). Logout waits for every notification, so this bounds how long it can take. */
export const backchannelTimeoutMs = 5000;

/** A failed delivery, safe to log: no token, no response body. */
export class BackchannelDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackchannelDeliveryError';
  }
}

export async function deliverLogoutToken(
  uri: string,
  logoutToken: string,
  timeoutMs = backchannelTimeoutMs,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ logout_token: logoutToken }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = (error as { name?: unknown }).name === 'TimeoutError';
    throw new BackchannelDeliveryError(
      timedOut ? `no response within ${String(timeoutMs)} ms` : 'the back-channel logout request failed to connect',
    );
  }
  await response.body?.cancel();
  if (response.status !== 200 && response.status !== 204) {
    throw new BackchannelDeliveryError(`backchannel_logout_uri responded with status ${String(response.status)}`);
  }
}
