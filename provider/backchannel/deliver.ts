/**
 * Delivers a logout token to a client's `backchannel_logout_uri` (OIDC Back-Channel Logout 1.0 §2.5): a form POST with
 * the single field `logout_token`. The RP answers 200 (or 204) on success; anything else — another status, a redirect
 * (never followed: the token goes only to the registered URI), a network failure, an address the outbound policy
 * refuses (`provider/outbound/`), or no answer within the timeout — is a failure. Error messages name the status or
 * the failure kind, never the token.
 */
import { defaultOutboundPolicy } from '../outbound/of-config.ts';
import type { OutboundPolicy } from '../outbound/policy.ts';
import { outboundRequest, OutboundRequestError, type OutboundResponse } from '../outbound/request.ts';

/** How long an RP has to answer (ms). Logout waits for every notification, so this bounds how long it can take. */
export const backchannelTimeoutMs = 5000;

/** What of an RP's answer is read at most (bytes): nothing in it is used. */
const maxResponseBytes = 16 * 1024;

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
  policy: OutboundPolicy = defaultOutboundPolicy,
  timeoutMs = backchannelTimeoutMs,
): Promise<void> {
  let response: OutboundResponse;
  try {
    response = await outboundRequest(
      uri,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ logout_token: logoutToken }).toString(),
        timeoutMs,
        maxBytes: maxResponseBytes,
      },
      policy,
    );
  } catch (error) {
    const reason = error instanceof OutboundRequestError ? error.reason : 'failed';
    throw new BackchannelDeliveryError(
      reason === 'timeout'
        ? `no response within ${String(timeoutMs)} ms`
        : reason === 'denied'
          ? `the back-channel logout request was refused by the outbound policy (${(error as Error).message})`
          : reason === 'too_large'
            ? 'the back-channel logout response was too large'
            : 'the back-channel logout request failed to connect',
    );
  }
  if (response.status !== 200 && response.status !== 204) {
    throw new BackchannelDeliveryError(`backchannel_logout_uri responded with status ${String(response.status)}`);
  }
}
