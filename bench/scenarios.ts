/**
 * The scenarios of issue 10, in the order they run and are reported. Each sends the same requests to either server
 * (same paths, clients and bodies) and yields one or more result rows, each with the goal the issue sets for it (a
 * throughput ratio kubeoidc/oidc-provider, a p99 bound on token endpoints) or none. The first five are single
 * requests with no side effect worth undoing; the warm-up and the soak use them.
 */
import { codeFlows, loginBurst, refresh } from './flow-scenarios.ts';
import { ccJwt, ccOpaque, devicePoll, discovery, introspection, jwks, revocation } from './request-scenarios.ts';
import type { Scenario } from './scenario-kit.ts';

export type { Goal, Row, Scenario, ScenarioContext } from './scenario-kit.ts';

export const scenarios: Scenario[] = [
  discovery,
  jwks,
  ccOpaque,
  ccJwt,
  introspection,
  revocation,
  refresh,
  ...codeFlows,
  devicePoll,
  loginBurst,
];
