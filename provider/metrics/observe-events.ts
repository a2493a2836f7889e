import type { RequestContext } from '../events/context.ts';
import { eventNames, type ProviderEmitter } from '../events/events.ts';
import { clientLabel, errorCodeLabel, errorEndpointLabel, OTHER } from './labels.ts';
import type { ProviderMetrics } from './registry.ts';

/** Grant types that may appear as a label. */
const grantTypes = new Set([
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
]);
const grantTypeLabel = (gty: string | undefined): string => (gty !== undefined && grantTypes.has(gty) ? gty : OTHER);

/** `<endpoint>.error` events: the endpoint is the event name's prefix. */
const errorEvents = eventNames.filter((name) => name.endsWith('.error') && name !== 'backchannel.error');

/**
 * Derives every metric from provider events (DESIGN.md: metrics listen to events; endpoint code never imports
 * prom-client). `allowClient` says which client ids may be a label (operator-managed or allow-listed).
 */
export function observeEvents(
  events: ProviderEmitter,
  metrics: ProviderMetrics,
  allowClient: (clientId: string) => boolean,
): void {
  for (const event of eventNames) {
    events.on(event, () => {
      metrics.events.inc({ event });
    });
  }
  for (const event of errorEvents) {
    const endpoint = event.slice(0, -'.error'.length);
    events.on(event, (_ctx: RequestContext, error: { error: string }) => {
      metrics.errors.inc({ endpoint, error: errorCodeLabel(error.error) });
    });
  }
  events.on('backchannel.error', () => {
    metrics.errors.inc({ endpoint: 'backchannel', error: OTHER });
  });
  events.on('server_error', (ctx) => {
    metrics.errors.inc({ endpoint: errorEndpointLabel(ctx), error: 'server_error' });
  });

  const issued = (type: string, gty: string | undefined, clientId: string): void => {
    metrics.tokensIssued.inc({ type, grant_type: grantTypeLabel(gty), client: clientLabel(clientId, allowClient) });
  };
  events.on('access_token.saved', (token) => {
    issued('access_token', token.gty, token.clientId);
  });
  events.on('access_token.issued', (token) => {
    issued('access_token', token.gty, token.clientId);
  });
  events.on('refresh_token.saved', (token) => {
    issued('refresh_token', token.gty, token.clientId);
  });
  events.on('client_credentials.saved', (token) => {
    issued('client_credentials', 'client_credentials', token.clientId);
  });
  events.on('client_credentials.issued', (token) => {
    issued('client_credentials', 'client_credentials', token.clientId);
  });
  // The token endpoint revokes a grant only when a code or refresh token is presented again (RFC 6749 §4.1.2,
  // OAuth 2.0 Security BCP §4.14): that is a replay, of the kind named by the grant type of the request.
  events.on('grant.revoked', (ctx) => {
    if (ctx.oidc.route === 'token') metrics.replays.inc({ kind: grantTypeLabel(ctx.oidc.grantType) });
  });
}
