// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import type { Condition } from '../../operator/kube/crds.ts';
import { mergeConditions } from '../../operator/providers/conditions.ts';
import { specProblems } from '../../operator/providers/spec-problems.ts';
import { evaluateStatus, statusChanged } from '../../operator/providers/status.ts';
import { oidcProvider, withSpec } from './fixtures.ts';

const T0 = Date.UTC(2026, 0, 1);
const deployment = (status: V1Deployment['status'], generation = 1): V1Deployment => ({
  metadata: { generation },
  status,
});
const condition = (conditions: Condition[] | undefined, type: string) => conditions?.find((c) => c.type === type);

describe('specProblems (the CRD rules an old API server does not enforce)', () => {
  const cases: [string, Parameters<typeof withSpec>[0], RegExp | undefined][] = [
    ['a valid spec', {}, undefined],
    ['ingress without host', { ingress: { enabled: true } }, /ingress\.host is required/],
    [
      'autoscaling min > max',
      { autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 3 } },
      /minReplicas must not exceed/,
    ],
    ['two redis sources', { redis: { url: 'redis://a:1', cluster: { nodes: ['b:1'] } } }, /exactly one of/],
    [
      'password for a plain URL',
      { redis: { url: 'redis://a:1', passwordSecretRef: { name: 's', key: 'k' } } },
      /passwordSecretRef applies/,
    ],
    ['PAR required but disabled', { features: { pushedAuthorizationRequests: { required: true } } }, /required needs/],
    ['delay not shorter than period', { signing: { rotationPeriod: '1h', propagationDelay: '2h' } }, /must be shorter/],
    ['bad duration', { signing: { rotationPeriod: 'monthly' } }, /not a duration/],
    [
      'retention margins at 0s',
      { signing: { retention: { podPropagationMargin: '0s', clockSkewMargin: '0s' } } },
      undefined,
    ],
    [
      'retention margin not a duration',
      { signing: { retention: { podPropagationMargin: '5 min' } } },
      /signing\.retention\.podPropagationMargin "5 min" is not a duration/,
    ],
    [
      'retention margin above 24h',
      { signing: { retention: { clockSkewMargin: '24h1s' } } },
      /signing\.retention\.clockSkewMargin must be at most 24h/,
    ],
    ['issuer the provider refuses', { issuer: 'http://id.example.com' }, /would refuse its configuration: .*issuer/],
  ];
  for (const [name, spec, expected] of cases) {
    it(name, () => {
      const problems = specProblems(oidcProvider('idp', withSpec(spec)));
      if (expected === undefined) assert.deepEqual(problems, []);
      else assert.match(problems.join('\n'), expected);
    });
  }
});

describe('evaluateStatus', () => {
  it('follows the Deployment: not ready, rolling out, then ready', () => {
    const provider = oidcProvider('idp', withSpec({ replicas: 2 }));
    const rolling = evaluateStatus({ provider, problems: [], deployment: deployment({}), now: T0 });
    assert.equal(condition(rolling.conditions, 'Ready')?.status, 'False');
    assert.equal(condition(rolling.conditions, 'Ready')?.reason, 'ReplicasNotReady');
    assert.equal(condition(rolling.conditions, 'Progressing')?.status, 'True');
    assert.equal(rolling.readyReplicas, 0);

    provider.status = rolling;
    const done = evaluateStatus({
      provider,
      problems: [],
      deployment: deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2 }),
      now: T0 + 60_000,
    });
    assert.equal(condition(done.conditions, 'Ready')?.status, 'True');
    assert.equal(condition(done.conditions, 'Ready')?.lastTransitionTime, '2026-01-01T00:01:00Z');
    assert.equal(condition(done.conditions, 'Progressing')?.reason, 'RolloutComplete');
    // Degraded did not flip: its transition time stays.
    assert.equal(condition(done.conditions, 'Degraded')?.lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.equal(done.readyReplicas, 2);
    assert.equal(done.replicas, 2);
    assert.equal(
      done.selector,
      'app.kubernetes.io/name=kubeoidc,app.kubernetes.io/instance=idp,app.kubernetes.io/component=provider',
    );
    assert.equal(done.observedGeneration, 1);
  });

  it('reports an invalid spec as Degraded/InvalidSpec and not Ready', () => {
    const status = evaluateStatus({ provider: oidcProvider('idp'), problems: ['x is wrong'], now: T0 });
    assert.deepEqual(
      status.conditions?.map((c) => [c.type, c.status, c.reason]),
      [
        ['Ready', 'False', 'InvalidSpec'],
        ['Progressing', 'False', 'InvalidSpec'],
        ['Degraded', 'True', 'InvalidSpec'],
        ['KeysReady', 'False', 'KeysMissing'],
      ],
    );
    assert.equal(condition(status.conditions, 'Degraded')?.message, 'x is wrong');
  });

  it('is unchanged when nothing changed, so no status write happens', () => {
    const provider = oidcProvider('idp');
    provider.status = evaluateStatus({ provider, problems: [], now: T0 });
    const again = evaluateStatus({ provider, problems: [], now: T0 + 3_600_000 });
    assert.equal(statusChanged(provider.status, again), false);
  });
});

describe('mergeConditions', () => {
  it('keeps lastTransitionTime unless the status flips', () => {
    const before: Condition[] = [
      { type: 'Ready', status: 'False', reason: 'A', message: 'a', lastTransitionTime: 'then' },
    ];
    assert.equal(
      mergeConditions(before, [{ type: 'Ready', status: 'False', reason: 'B', message: 'b' }], 'now')[0]
        ?.lastTransitionTime,
      'then',
    );
    assert.equal(
      mergeConditions(before, [{ type: 'Ready', status: 'True', reason: 'B', message: 'b' }], 'now')[0]
        ?.lastTransitionTime,
      'now',
    );
  });
});
