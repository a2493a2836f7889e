/**
 * {@link RegistrationApi} over HTTP(S) (`http-send.ts`; https verified against the target's CA bundle when it has one): RFC 7591 registration with the initial access token as a bearer
 * token, RFC 7592 read/update/delete with the registration access token. Every request has a timeout; network
 * errors, timeouts and 5xx become {@link ProviderUnavailableError} (retried with backoff by the work queue), a 4xx
 * with an OAuth error body becomes {@link RegistrationRejectedError}. No message ever contains a token.
 */
import {
  ProviderUnavailableError,
  RegistrationError,
  RegistrationRejectedError,
  type ClientMetadata,
  type RegisteredClient,
  type Registration,
  type RegistrationApi,
  type RegistrationHandle,
  type RegistrationTarget,
} from './registration-api.ts';
import { send, SendTimeoutError, type SendResult } from './http-send.ts';

/** Default time one request may take. */
export const REQUEST_TIMEOUT_MS = 5000;

/** Path of the registration endpoint under the issuer (`provider/http/paths.ts`). */
const REGISTRATION_PATH = '/register';

/** Members of an answer that are credentials, kept out of {@link Registration.metadata}. */
const CREDENTIALS = ['client_secret', 'registration_access_token', 'registration_client_uri'];

/**
 * The URL the operator sends a management request to: the client's `registration_client_uri` path
 * (`{issuer}/register/<client_id>`) under the base URL. The provider hands out URIs under its public issuer, which
 * the operator may not reach (no Ingress, no hairpin), and which may have changed since (issuer renamed); and the
 * registration access token is never sent to any host but the provider's own.
 */
export function managementUrl(target: RegistrationTarget, handle: RegistrationHandle): string {
  const path = new URL(handle.registrationClientUri).pathname;
  const at = path.lastIndexOf(`${REGISTRATION_PATH}/`);
  if (at < 0) {
    throw new RegistrationError('unexpected_response', `registration_client_uri is not under ${REGISTRATION_PATH}/`);
  }
  return `${registrationUrl(target)}${path.slice(at + REGISTRATION_PATH.length)}`;
}

/** The registration endpoint under the base URL. */
export function registrationUrl(target: RegistrationTarget): string {
  return `${target.baseUrl.replace(/\/$/, '')}${REGISTRATION_PATH}`;
}

function parseClient(body: unknown, operation: string): RegisteredClient {
  if (typeof body !== 'object' || body === null) {
    throw new RegistrationError('unexpected_response', `${operation}: the answer is not a JSON object`);
  }
  const answer = body as Record<string, unknown>;
  const text = (name: string): string | undefined => (typeof answer[name] === 'string' ? answer[name] : undefined);
  const clientId = text('client_id');
  if (clientId === undefined)
    throw new RegistrationError('unexpected_response', `${operation}: the answer lacks client_id`);
  const metadata = Object.fromEntries(Object.entries(answer).filter(([name]) => !CREDENTIALS.includes(name)));
  return {
    clientId,
    clientSecret: text('client_secret'),
    registrationAccessToken: text('registration_access_token'),
    registrationClientUri: text('registration_client_uri'),
    metadata,
  };
}

function parseRegistration(body: unknown, operation: string): Registration {
  const client = parseClient(body, operation);
  const { registrationAccessToken, registrationClientUri } = client;
  if (registrationAccessToken === undefined || registrationClientUri === undefined) {
    throw new RegistrationError(
      'unexpected_response',
      `${operation}: the answer lacks registration_access_token or registration_client_uri`,
    );
  }
  return { ...client, registrationAccessToken, registrationClientUri };
}

/** A {@link RegistrationApi} over HTTP(S); `timeoutMs` bounds every request. */
export function httpRegistrationApi(options: { timeoutMs?: number } = {}): RegistrationApi {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;

  async function call(
    operation: string,
    target: RegistrationTarget,
    method: string,
    url: string,
    token: string | undefined,
    body?: ClientMetadata,
  ): Promise<{ status: number; json: unknown }> {
    let response: SendResult;
    try {
      response = await send(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        ca: target.ca,
        timeoutMs,
      });
    } catch (error) {
      const reason = error instanceof SendTimeoutError ? error.message : `unreachable: ${(error as Error).message}`;
      throw new ProviderUnavailableError(`${operation}: provider ${reason}`, { cause: error });
    }
    let json: unknown;
    try {
      json = response.text === '' ? undefined : (JSON.parse(response.text) as unknown);
    } catch {
      json = undefined;
    }
    if (response.status >= 500) {
      throw new ProviderUnavailableError(`${operation}: provider answered HTTP ${response.status}`);
    }
    return { status: response.status, json };
  }

  function rejected(operation: string, status: number, json: unknown): RegistrationError {
    const answer = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    if (typeof answer.error === 'string') {
      const description = typeof answer.error_description === 'string' ? answer.error_description : undefined;
      const error = new RegistrationRejectedError(status, answer.error, description);
      error.message = `${operation}: ${error.message}`;
      return error;
    }
    return new RegistrationError('unexpected_response', `${operation}: provider answered HTTP ${status}`);
  }

  const gone = (status: number): boolean => status === 404 || status === 401;

  return {
    async register(target, metadata) {
      const { status, json } = await call(
        'register',
        target,
        'POST',
        registrationUrl(target),
        target.initialAccessToken,
        metadata,
      );
      if (status === 404) {
        throw new RegistrationError(
          'unexpected_response',
          'register: the provider has no registration endpoint (HTTP 404): is features.registration enabled?',
        );
      }
      if (status !== 201 && status !== 200) throw rejected('register', status, json);
      return parseRegistration(json, 'register');
    },
    async read(target, handle) {
      const url = managementUrl(target, handle);
      const { status, json } = await call('read registration', target, 'GET', url, handle.registrationAccessToken);
      if (gone(status)) return undefined;
      if (status !== 200) throw rejected('read registration', status, json);
      return parseClient(json, 'read registration');
    },
    async update(target, handle, metadata) {
      const url = managementUrl(target, handle);
      const { status, json } = await call(
        'update registration',
        target,
        'PUT',
        url,
        handle.registrationAccessToken,
        metadata,
      );
      if (gone(status)) return undefined;
      if (status !== 200) throw rejected('update registration', status, json);
      return parseClient(json, 'update registration');
    },
    async delete(target, handle) {
      const url = managementUrl(target, handle);
      const { status, json } = await call('delete registration', target, 'DELETE', url, handle.registrationAccessToken);
      if (status === 204 || status === 200 || gone(status)) return;
      throw rejected('delete registration', status, json);
    },
  };
}
