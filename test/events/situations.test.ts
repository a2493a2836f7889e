import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe } from 'node:test';
import { eventNames } from '../../provider/events/events.ts';
import { backChannelSituations } from './contract/back-channel.ts';
import { deviceSituations } from './contract/device.ts';
import { documentedArgumentsIn, eventsDoc } from './contract/documented.ts';
import { frontChannelSituations } from './contract/front-channel.ts';
import { covered, setDocumentedArguments, startContractProvider, type ContractProvider } from './contract/harness.ts';
import { logoutSituations } from './contract/logout.ts';
import { metadataSituations } from './contract/metadata.ts';
import { parSituations } from './contract/par.ts';
import { redisSituations } from './contract/redis.ts';
import { registrationSituations } from './contract/registration.ts';
import { tokenSituations } from './contract/token.ts';

/**
 * User story: an operator builds metrics, logs and alerts on the provider's events (docs/events.md). Every situation
 * in which kubeoidc emits an event is driven here through HTTP (and the CLI), one area per file under `contract/`, and
 * each asserts the exact events — names in order, nothing missing, nothing extra — with their listener arguments.
 * Together the areas must assert every event of the contract except those docs/events.md says kubeoidc never emits.
 */

/** Events docs/events.md lists under "Never emitted", with the reason. */
function neverEmitted(markdown: string): string[] {
  const section = /## Never emitted[\s\S]*?(?=\n## |$)/.exec(markdown)?.[0] ?? '';
  return [...section.matchAll(/^- `([a-z_.]+)`/gm)].map((match) => match[1]);
}

let markdown = '';
before(async () => {
  markdown = await readFile(eventsDoc, 'utf8');
  setDocumentedArguments(documentedArgumentsIn(markdown));
});

describe('every situation that emits an event', () => {
  let provider: ContractProvider;
  before(async () => {
    provider = await startContractProvider();
  });
  after(() => provider.stop());
  const get = (): ContractProvider => provider;

  describe('discovery and JWKS', () => {
    metadataSituations(get);
  });
  describe('authorization and interactions', () => {
    frontChannelSituations(get);
  });
  describe('token endpoint and userinfo', () => {
    tokenSituations(get);
  });
  describe('introspection and revocation', () => {
    backChannelSituations(get);
  });
  describe('pushed authorization requests', () => {
    parSituations(get);
  });
  describe('device flow', () => {
    deviceSituations(get);
  });
  describe('registration', () => {
    registrationSituations(get);
  });
  describe('logout', () => {
    logoutSituations(get);
  });
});

describe('situations on Redis: the CLI, an outage', () => {
  redisSituations();
});

after(() => {
  const never = neverEmitted(markdown);
  const expected = eventNames.filter((name) => !never.includes(name));
  assert.deepEqual(
    [...covered].sort(),
    [...expected].sort(),
    'the areas together assert every event of docs/events.md except those it says are never emitted',
  );
  for (const name of never) assert.ok((eventNames as readonly string[]).includes(name), `${name} is an event`);
});
