/**
 * The setup of the OIDCProvider reconciler's integration tests: a real API server with kubeoidc's CRDs, a client,
 * and the reconciler's dependencies on a manual clock, started in the calling suite's `before` and stopped in its
 * `after`. Events go to the API server; a failure to record one fails the test.
 */
import { after, before } from 'node:test';
import { apiEventRecorder } from '../../operator/controller/events.ts';
import { kubeClient, type KubeClient } from '../../operator/kube/client.ts';
import { discoverCapabilities } from '../../operator/providers/capabilities.ts';
import { generatedKeys } from '../../operator/providers/keys/key-source.ts';
import type { ProviderReconcilerDeps } from '../../operator/providers/reconciler.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';

/** What a suite gets: read its fields inside tests (they exist once `before` ran). */
export interface ReconcilerOnApiServer {
  readonly cp: ControlPlane;
  readonly client: KubeClient;
  readonly deps: ProviderReconcilerDeps;
  readonly clock: ReturnType<typeof manualClock>;
}

/** Registers the suite's `before`/`after`; `component` names the Event reporter. */
export function reconcilerOnApiServer(component: string, start = Date.UTC(2026, 5, 1)): ReconcilerOnApiServer {
  const clock = manualClock(start);
  let cp: ControlPlane | undefined;
  let client: KubeClient | undefined;
  let deps: ProviderReconcilerDeps | undefined;
  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
    client = kubeClient(cp.kubeConfig());
    const capabilities = await discoverCapabilities(client);
    deps = {
      client,
      clock,
      keys: generatedKeys,
      events: apiEventRecorder(client, clock, component, (error) => {
        throw error;
      }),
      capabilities: () => Promise.resolve(capabilities),
    };
  });
  after(async () => {
    await cp?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the API server did not start');
    return value;
  };
  return {
    clock,
    get cp() {
      return started(cp);
    },
    get client() {
      return started(client);
    },
    get deps() {
      return started(deps);
    },
  };
}
