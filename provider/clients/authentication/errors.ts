import { InvalidClient } from '../../errors/oidc-error.ts';

/**
 * A failed client authentication: 401 `invalid_client` (RFC 6749 §5.2). When the client tried HTTP Basic, the
 * response must carry `WWW-Authenticate: Basic` (`challenge`), so the HTTP layer renders it from here.
 */
export class ClientAuthenticationError extends InvalidClient {
  /** The authentication scheme the client attempted through the Authorization header, if any. */
  readonly challenge: 'Basic' | undefined;

  constructor(description: string, challenge?: 'Basic') {
    super(description);
    this.challenge = challenge;
  }
}
