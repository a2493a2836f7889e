import type { ProviderConfig } from '../config/options.ts';
import { OutboundPolicy } from './policy.ts';

/** One policy per configuration object, built once (configuration is immutable after validation). */
const policies = new WeakMap<ProviderConfig, OutboundPolicy>();

/** The outbound policy of a provider's configuration (`outbound.allow`). */
export function outboundPolicyOf(config: ProviderConfig): OutboundPolicy {
  let policy = policies.get(config);
  if (!policy) {
    policy = new OutboundPolicy(config.outbound.allow);
    policies.set(config, policy);
  }
  return policy;
}

/** The policy where none was passed: nothing internal is allowed. */
export const defaultOutboundPolicy = new OutboundPolicy();
