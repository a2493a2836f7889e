import { isIP } from 'node:net';
import { Ajv } from 'ajv';
import { ConfigError } from './config-error.ts';
import { allowEntryProblem } from '../outbound/policy.ts';
import { issuerProblem } from './issuer.ts';
import type { ProviderConfig } from './options.ts';
import { configSchema } from './schema.ts';

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, useDefaults: true });
const check = ajv.compile(configSchema);

/** `/ttl/accessToken` → `ttl.accessToken`; `/clients/0/client_id` → `clients[0].client_id`. */
function optionName(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  return parts.reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/**
 * Checks a complete configuration (defaults already applied) and returns it typed, or throws a `ConfigError` naming the
 * first bad option.
 */
export function validateConfig(candidate: unknown): ProviderConfig {
  if (!check(candidate)) {
    const error = check.errors?.[0];
    if (error === undefined) throw new ConfigError('(root)', 'invalid');
    const extra =
      error.keyword === 'additionalProperties'
        ? (error.params as { additionalProperty: string }).additionalProperty
        : error.keyword === 'required'
          ? (error.params as { missingProperty: string }).missingProperty
          : undefined;
    const problem = error.keyword === 'additionalProperties' ? 'is not a known option' : (error.message ?? 'invalid');
    throw new ConfigError(optionName(error.instancePath, extra) || '(root)', problem);
  }
  const config = candidate as unknown as ProviderConfig;
  const issuer = issuerProblem(config.issuer);
  if (issuer) throw new ConfigError('issuer', issuer);
  if (config.storage.type === 'redis') {
    const { url, sentinel, cluster } = config.storage;
    if ([url, sentinel, cluster].filter(Boolean).length !== 1) {
      throw new ConfigError('storage', 'redis storage needs exactly one of url, sentinel, cluster');
    }
  }
  config.trustedProxies.forEach((entry, index) => {
    const problem = trustedProxyProblem(entry);
    if (problem) throw new ConfigError(`trustedProxies[${index}]`, problem);
  });
  config.outbound.allow.forEach((entry, index) => {
    const problem = allowEntryProblem(entry);
    if (problem) throw new ConfigError(`outbound.allow[${index}]`, problem);
  });
  const ids = new Set<string>();
  config.clients.forEach((client, index) => {
    if (ids.has(client.client_id)) throw new ConfigError(`clients[${index}].client_id`, 'is a duplicate');
    ids.add(client.client_id);
  });
  return config;
}

/** Why a `trustedProxies` entry is not one Express understands: a range name, an IP address or a CIDR range. */
function trustedProxyProblem(entry: string): string | undefined {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return undefined;
  const parts = entry.split('/');
  const version = isIP(parts[0] ?? '');
  if (version === 0 || parts.length > 2) {
    return 'must be loopback, linklocal, uniquelocal, an IP address or a CIDR range';
  }
  const prefix = parts.length === 2 ? (parts[1] ?? '') : undefined;
  if (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128))) {
    return `has a prefix length outside 0-${version === 4 ? 32 : 128}`;
  }
  return undefined;
}
