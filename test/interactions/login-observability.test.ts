import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BrowserlessClient, formOf, isPage } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, startFrontChannelProvider } from '../authorization/fixtures.ts';

/**
 * Brute force is visible: every failed password login and every attempt refused by the rate limit is counted in
 * `kubeoidc_login_attempts_total{result}` (no account label) and logged, so the chart's alert can fire on it.
 */
describe('failed logins and lockouts are counted and logged', () => {
  let provider: TestProvider;
  const lines: string[] = [];
  before(async () => {
    provider = await startFrontChannelProvider(
      { logLevel: 'info' },
      { logDestination: { write: (line: string) => void lines.push(line) } },
    );
  });
  after(() => provider.stop());

  const count = async (result: string): Promise<number> => {
    const text = await provider.metrics.registry.metrics();
    const match = new RegExp(`^kubeoidc_login_attempts_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text);
    return Number(match?.[1] ?? NaN);
  };

  it('counts a success, six failures and the lockout that follows, without the account in any label', async () => {
    const browser = new BrowserlessClient(provider.issuer);
    const page = await browser.get(authorizationUrl(provider));
    assert.ok(isPage(page));
    assert.equal(await count('failure'), 0, 'starts at 0 so rate() works from the first scrape');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const step = await browser.submit(formOf(page, '/login'), {
        username: 'alice',
        password: `guess-${String(attempt)}`,
      });
      assert.ok(isPage(step) && step.status === 401);
    }
    const refused = await browser.submit(formOf(page, '/login'), { username: 'alice', password: passwords.alice });
    assert.ok(isPage(refused) && refused.status === 429);
    const other = await browser.submit(formOf(page, '/login'), { username: 'bob', password: passwords.bob });
    assert.ok(isPage(other) && formOf(other, '/consent'));

    assert.equal(await count('failure'), 5);
    assert.equal(await count('locked_out'), 1);
    assert.equal(await count('success'), 1);
    const exposition = await provider.metrics.registry.metrics();
    assert.ok(!/kubeoidc_login_attempts_total\{[^}]*(alice|sub-)/.test(exposition), 'no account in labels');

    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(logged.filter((line) => line.login === 'failure').length, 5);
    const lockout = logged.find((line) => line.login === 'locked_out');
    assert.ok(lockout, 'the lockout is logged');
    assert.equal(lockout.level, 40);
    assert.ok(!lines.some((line) => line.includes(passwords.alice) || line.includes('guess-')), 'no password logged');
  });
});
