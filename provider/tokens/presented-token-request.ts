import type { Request, Response } from 'express';
import { authenticateAt } from '../clients/authentication/authenticate-at.ts';
import type { Client } from '../clients/client.ts';
import type { ClientStore } from '../clients/client-store.ts';
import { UnsupportedTokenType } from '../errors/oidc-error.ts';
import type { RequestContext } from '../events/context.ts';
import { contextOf } from '../http/context.ts';
import { paths } from '../http/paths.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { OutboundPolicy } from '../outbound/policy.ts';
import type { Clock } from '../time/clock.ts';
import { findPresentedToken, isStructuredToken, type PresentedToken } from './find-presented.ts';
import { loggableTokenForm, readTokenForm, requiredToken } from './token-form.ts';

export interface PresentedTokenDeps {
  issuer: string;
  /** `clientAuthentication.assertionMaxLifetime` (s). */
  assertionMaxLifetime: number;
  clock: Clock;
  clients: ClientStore;
  models: ModelRepository;
  strictSecretMethod: boolean;
  /** Where a client's `jwks_uri` may be fetched from; default: nothing internal. */
  outbound?: OutboundPolicy | undefined;
}

/**
 * The common first half of introspection (RFC 7662 §2.1) and revocation (RFC 7009 §2.1): read the form, authenticate
 * the client with any method the token endpoint accepts, require `token`, refuse structured (JWT) tokens — they are
 * not stored, so there is nothing to look up — and find the stored token, trying `token_type_hint` first.
 */
export async function readPresentedTokenRequest(
  req: Request,
  res: Response,
  route: 'introspection' | 'revocation',
  deps: PresentedTokenDeps,
): Promise<{ ctx: RequestContext; client: Client; token: PresentedToken | undefined }> {
  const ctx = contextOf(req, res, route);
  const form = readTokenForm(req.body, Boolean(req.is('application/x-www-form-urlencoded')));
  ctx.oidc.params = loggableTokenForm(form);
  const { client } = await authenticateAt(paths[route], { authorization: req.get('authorization'), body: form }, deps);
  ctx.oidc.client = client.toJSON();
  const value = requiredToken(form);
  if (isStructuredToken(value)) throw new UnsupportedTokenType(`structured (JWT) tokens cannot be used at ${route}`);
  return { ctx, client, token: await findPresentedToken(deps.models, value, form.token_type_hint) };
}
