import { supportedClaims } from '../accounts/claims.ts';
import type { ProviderConfig } from '../config/options.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import { responseModes } from './request.ts';

/** Languages the built-in login and consent pages are written in. */
export const uiLocales = ['en'] as const;

/**
 * What the authorization endpoint contributes to discovery (OIDC Discovery §3, RFC 8414 §2, RFC 9207 §3): only what it
 * really does. No `acr_values_supported`: the built-in login has one method (password, `amr: ["pwd"]`) and claims no
 * assurance level.
 */
export function authorizationMetadata(config: ProviderConfig): Record<string, unknown> {
  return {
    authorization_endpoint: endpointUrl(config.issuer, paths.authorization),
    response_types_supported: ['code', 'none'],
    response_modes_supported: [...responseModes],
    authorization_response_iss_parameter_supported: true,
    code_challenge_methods_supported: ['S256'],
    claims_supported: [...supportedClaims],
    claims_parameter_supported: config.features.claimsParameter.enabled,
    ui_locales_supported: [...uiLocales],
    prompt_values_supported: ['none', 'login', 'consent'],
    display_values_supported: ['page'],
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}
