import { InvalidClientMetadata, InvalidRedirectUri } from '../errors/oidc-error.ts';

/**
 * Client metadata errors (RFC 7591 §3.2.2) that name the field at fault, so a static client's problem can be reported
 * as the configuration option `clients[i].<field>` and a registration error says what to fix.
 */

/** A metadata problem, naming the field at fault. */
export class ClientMetadataError extends InvalidClientMetadata {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field} ${problem}`);
    this.field = field;
  }
}

/** A redirect URI problem (`invalid_redirect_uri`), naming the field at fault (`redirect_uris[1]`). */
export class RedirectUriError extends InvalidRedirectUri {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field} ${problem}`);
    this.field = field;
  }
}
