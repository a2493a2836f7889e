import { ConfigError } from './config-error.ts';

/**
 * Environment variables that override the configuration. Each names the option it sets; a value that does not parse
 * stops the process with a message naming the variable.
 */
interface EnvOption {
  readonly name: string;
  readonly doc: string;
  /** Returns the partial configuration this variable sets. */
  readonly apply: (value: string) => Record<string, unknown>;
}

function port(name: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 65535) {
    throw new ConfigError(name, `"${value}" is not a port number (${min}-65535)`);
  }
  return Number(value);
}

export const envOptions: readonly EnvOption[] = [
  {
    name: 'KUBEOIDC_ISSUER',
    doc: 'Issuer identifier (option `issuer`).',
    apply: (value) => ({ issuer: value }),
  },
  {
    name: 'KUBEOIDC_PORT',
    doc: 'Port of the protocol endpoints (option `port`).',
    apply: (value) => ({ port: port('KUBEOIDC_PORT', value, 1) }),
  },
  {
    name: 'KUBEOIDC_HOST',
    doc: 'Bind address (option `host`).',
    apply: (value) => ({ host: value }),
  },
  {
    name: 'KUBEOIDC_METRICS_PORT',
    doc: 'Port of /metrics, 0 to disable (option `metricsPort`).',
    apply: (value) => ({ metricsPort: port('KUBEOIDC_METRICS_PORT', value, 0) }),
  },
  {
    name: 'KUBEOIDC_REDIS_URL',
    doc: 'Use Redis storage at this URL (option `storage`).',
    apply: (value) => ({ storage: { type: 'redis', url: value } }),
  },
  {
    name: 'KUBEOIDC_REDIS_PASSWORD',
    doc: 'Password of the Redis data nodes (option `storage.password`), typically from a Secret.',
    apply: (value) => ({ storage: { password: value } }),
  },
  {
    name: 'KUBEOIDC_REDIS_SENTINEL_PASSWORD',
    doc: 'Password of the Redis Sentinels (option `storage.sentinelPassword`).',
    apply: (value) => ({ storage: { sentinelPassword: value } }),
  },
  {
    name: 'KUBEOIDC_KEYS_FILE',
    doc: 'Signing and cookie keys file (option `keysFile`).',
    apply: (value) => ({ keysFile: value }),
  },
  {
    name: 'KUBEOIDC_SHUTDOWN_DELAY_SECONDS',
    doc: 'Seconds of serving, not ready, after SIGTERM before closing (option `shutdownDelaySeconds`).',
    apply: (value) => {
      if (!/^\d+$/.test(value)) {
        throw new ConfigError('KUBEOIDC_SHUTDOWN_DELAY_SECONDS', `"${value}" is not a whole number of seconds`);
      }
      return { shutdownDelaySeconds: Number(value) };
    },
  },
  {
    name: 'KUBEOIDC_LOG_LEVEL',
    doc: 'Log level (option `logLevel`).',
    apply: (value) => ({ logLevel: value }),
  },
];

/** The overrides the given environment sets, in the order of `envOptions`. */
export function envOverrides(env: Readonly<Record<string, string | undefined>>): Record<string, unknown>[] {
  return envOptions.flatMap((option) => {
    const value = env[option.name];
    return value === undefined || value === '' ? [] : [option.apply(value)];
  });
}
