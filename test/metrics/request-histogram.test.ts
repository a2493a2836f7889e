import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { statusClass } from '../../provider/metrics/labels.ts';
import { RequestHistogram } from '../../provider/metrics/request-histogram.ts';

/**
 * The request-duration histogram (provider/metrics/request-histogram.ts) exposes exactly what prom-client's
 * `Histogram` with the same name, help, labels and buckets exposes for the same observations: the Prometheus text and
 * the JSON of both registries are compared, after every step.
 */
const options = {
  name: 'kubeoidc_http_request_duration_seconds',
  help: 'HTTP request duration by endpoint, method and status class.',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
};

function pair() {
  const oracleRegistry = new Registry();
  const oracle = new Histogram({
    ...options,
    labelNames: ['route', 'method', 'status_class'],
    registers: [oracleRegistry],
  });
  const registry = new Registry();
  const histogram = new RequestHistogram({ ...options, registers: [registry] });
  return {
    observe(route: string, method: string, status: number, seconds: number) {
      oracle.observe({ route, method, status_class: statusClass(status) }, seconds);
      histogram.observe(route, method, status, statusClass, seconds);
    },
    async compare() {
      assert.equal(await registry.metrics(), await oracleRegistry.metrics());
      assert.deepEqual(await registry.getMetricsAsJSON(), await oracleRegistry.getMetricsAsJSON());
    },
    reset() {
      oracleRegistry.resetMetrics();
      registry.resetMetrics();
    },
  };
}

describe('request-duration histogram', () => {
  it('exposes what prom-client exposes for the same requests', async () => {
    const both = pair();
    await both.compare();
    // Every bound exactly, just above and below it, 0, above the last bound; routes, methods and statuses interleaved
    // (two statuses of one class share a series); sums of many small values, so floating-point order matters.
    const values = options.buckets.flatMap((bound) => [bound, bound * (1 - 1e-12), bound * (1 + 1e-12)]);
    values.push(0, 3, 10, 1e-9, 0.1 + 0.2, 0.000_42);
    const requests: [string, string, number][] = [
      ['jwks', 'GET', 200],
      ['token', 'POST', 400],
      ['token', 'POST', 401],
      ['discovery', 'HEAD', 304],
      ['other', 'other', 404],
      ['jwks', 'GET', 500],
      ['introspection', 'POST', 200],
      ['token', 'POST', 200],
    ];
    let step = 0;
    for (const value of values) {
      for (const [route, method, status] of requests) {
        both.observe(route, method, status, value * (1 + (step % 7) / 3));
        step += 1;
      }
      await both.compare();
    }
    for (let i = 0; i < 5000; i += 1) both.observe('jwks', 'GET', 200, 0.000_1 * ((i % 13) + 1));
    await both.compare();
    both.reset();
    await both.compare();
    both.observe('token', 'POST', 201, 0.002);
    await both.compare();
  });

  it('refuses a value that is not a number, as prom-client does', () => {
    const histogram = new RequestHistogram({ ...options, registers: [new Registry()] });
    assert.throws(() => {
      histogram.observe('jwks', 'GET', 200, statusClass, Number.NaN);
    }, TypeError);
  });
});
