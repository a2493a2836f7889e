/**
 * Validates `response_mode`: `query`, `fragment` or `form_post` (OAuth 2.0 Multiple Response Types §2.1, Form Post
 * Response Mode). Runs right after the redirect URI is trusted, so that every later error already travels the way the
 * client asked; an unsupported mode is itself reported by the default, `query`.
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import { responseModes, type AuthorizationCheck, type ResponseMode } from '../request.ts';

export const checkResponseMode: AuthorizationCheck = (request) => {
  const mode = request.params.response_mode;
  if (mode === undefined) return;
  if (!(responseModes as readonly string[]).includes(mode)) {
    throw new InvalidRequest(`unsupported response_mode '${mode}'`);
  }
  request.responseMode = mode as ResponseMode;
};
