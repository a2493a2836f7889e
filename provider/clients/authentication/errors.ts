import { InvalidClient } from '../../errors/oidc-error.ts';

/**
 * A failed client authentication: 401 `invalid_client` (RFC 6749 §5.2). When the client tried HTTP Basic, the
 * response must carry `WWW-Authenticate: Basic` (`challenge`), so the HTTP layer renders it from here.
 */
export class ClientAuthenticationError extends InvalidClient {
  /** The authentication scheme the client attempted through the Authorization header, if any. */
  readonly challenge: 'Basic' | undefined;
  /**
   * The registered client the request claimed to be, when it exists (a wrong or expired secret, a bad assertion, the
   * wrong method) — never for an unknown client id. Not an authenticated identity: the event stream reports it so the
   * client's owner sees failed authentications against it (docs/event-bridge.md).
   */
  readonly claimedClientId: string | undefined;

  constructor(description: string, challenge?: 'Basic', claimedClientId?: string) {
    super(description);
    this.challenge = challenge;
    this.claimedClientId = claimedClientId;
  }
}
