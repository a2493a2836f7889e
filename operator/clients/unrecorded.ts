/**
 * Registrations the provider answered but the operator could not record yet (writing the registration Secret failed
 * after the POST: an API server error, a lost connection). The answer — with the registration access token, which
 * the provider hands out only once — is kept here, per OIDCClient uid, until the record is written; the next attempt
 * writes it instead of registering again. In memory only: if the operator process ends in between, the intent in the
 * registration Secret still names the client id, and a second registration under it is refused by the provider
 * (`client_id is already in use`) rather than creating a second client (docs/operator.md).
 */
import type { Registration } from './registration-api.ts';

/** An answer kept for one OIDCClient. */
export interface UnrecordedRegistration {
  readonly clientId: string;
  /** Hash of the metadata the client was registered with. */
  readonly metadataHash: string;
  readonly answer: Registration;
}

/** The answers kept, by OIDCClient uid. */
export class UnrecordedRegistrations {
  readonly #byUid = new Map<string, UnrecordedRegistration>();

  /** Keeps `answer` for the client `uid`, replacing what was kept. */
  keep(uid: string, kept: UnrecordedRegistration): void {
    this.#byUid.set(uid, kept);
  }

  /** What was kept for `uid` under `clientId`, if anything. */
  find(uid: string, clientId: string): UnrecordedRegistration | undefined {
    const kept = this.#byUid.get(uid);
    return kept?.clientId === clientId ? kept : undefined;
  }

  /** Forgets what was kept for `uid` (recorded, or the client is gone). */
  forget(uid: string): void {
    this.#byUid.delete(uid);
  }
}
