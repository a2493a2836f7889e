import type { ProviderConfig } from '../config/options.ts';

/** The device_code grant type (RFC 8628 §3.4). */
export const deviceCodeGrantType = 'urn:ietf:params:oauth:grant-type:device_code';

/** Minimum seconds between two polls of the token endpoint (RFC 8628 §3.2 `interval`); faster polls get slow_down. */
export const pollingInterval = 5;

/** Whether a grant type is served under this configuration (device_code only with `features.deviceFlow`). */
export function grantTypeEnabled(config: ProviderConfig, grantType: string): boolean {
  return grantType !== deviceCodeGrantType || config.features.deviceFlow.enabled;
}
