import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { hashPassword } from '../accounts/password.ts';
import { ConfigError } from './config-error.ts';
import {
  DEMO_ACCOUNT_PASSWORD,
  DEMO_INITIAL_ACCESS_TOKEN,
  demoAccount,
  devClients,
  devFeatures,
} from './dev-defaults.ts';
import { envOverrides } from './env.ts';
import { deepMerge, isPlainObject } from './merge.ts';
import { defaults, type ProviderConfig } from './options.ts';
import { validateConfig } from './validate.ts';

export interface LoadSources {
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => Promise<string>;
}

/** Parses a configuration file's text (YAML, of which JSON is a subset). */
export function parseConfigText(text: string, path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { prettyErrors: false });
  } catch (error) {
    throw new ConfigError(
      'KUBEOIDC_CONFIG',
      `${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0] ?? ''}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) throw new ConfigError('KUBEOIDC_CONFIG', `${path} must hold an object`);
  return parsed;
}

/**
 * Builds the configuration: defaults, then the file named by `KUBEOIDC_CONFIG` (or, without one, the embedded
 * development default), then environment variables; validated once. Throws `ConfigError` naming the bad option.
 *
 * With `NODE_ENV=production` (the image sets it) a missing `KUBEOIDC_CONFIG` is an error, not the development default:
 * that default carries a demo account with a published password, and a Deployment that lost its configuration must
 * fail to start naming the variable rather than serve the demo.
 */
export async function loadConfig({ env, readFile }: LoadSources): Promise<ProviderConfig> {
  const path = env.KUBEOIDC_CONFIG;
  if (!path && env.NODE_ENV === 'production') {
    throw new ConfigError(
      'KUBEOIDC_CONFIG',
      'not set; with NODE_ENV=production the provider needs a configuration file (the embedded development default, ' +
        'with its demo client and account, runs only outside production)',
    );
  }
  let base: Record<string, unknown>;
  if (path) {
    let text: string;
    try {
      text = await readFile(path);
    } catch (error) {
      throw new ConfigError(
        'KUBEOIDC_CONFIG',
        `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    base = parseConfigText(text, path);
  } else {
    base = {
      development: true,
      clients: devClients,
      features: devFeatures(createHash('sha256').update(DEMO_INITIAL_ACCESS_TOKEN, 'utf8').digest('hex')),
      accounts: { records: [demoAccount(await hashPassword(DEMO_ACCOUNT_PASSWORD))] },
    };
  }
  const merged = [base, ...envOverrides(env)].reduce<unknown>((acc, layer) => deepMerge(acc, layer), defaults) as {
    storage: Record<string, unknown>;
  };
  // The default storage is memory; its `maxEntries` means nothing once a layer chose Redis.
  if (merged.storage.type === 'redis') delete merged.storage.maxEntries;
  return validateConfig(merged);
}
