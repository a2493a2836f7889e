import { ConfigError } from '../config/config-error.ts';
import type { ProviderConfig, StaticClient } from '../config/options.ts';
import type { OIDCError } from '../errors/oidc-error.ts';
import { outboundPolicyOf } from '../outbound/of-config.ts';
import type { ClientRecord } from '../models/types.ts';
import type { Adapter } from '../storage/adapter.ts';
import { Client, type ClientSecretMaterial } from './client.ts';
import { recognizedMetadata, validateClientMetadata, type MetadataContext } from './metadata.ts';
import { hashClientSecret } from './secret.ts';

/** Where endpoints look clients up. Static clients (configuration) first, then registered ones (storage). */
export interface ClientStore {
  /** The client with this id, or undefined when there is none. */
  find(clientId: string): Promise<Client | undefined>;
}

/** What client metadata is checked against, from configuration. */
export function metadataContext(config: ProviderConfig): MetadataContext {
  return {
    scopes: config.scopes.includes('openid') ? config.scopes : ['openid', ...config.scopes],
    signingAlgorithms: config.signingAlgorithms,
    deviceFlow: config.features.deviceFlow.enabled,
    jwtAccessTokens: config.features.jwtAccessTokens.enabled,
    backchannelLogout: config.features.backchannelLogout.enabled,
    outbound: outboundPolicyOf(config),
  };
}

/** The secret material to keep: a hash where one serves, the key itself only for client_secret_jwt (HMAC). */
export function secretMaterial(method: string, secret: string | undefined): ClientSecretMaterial {
  if (secret === undefined) return {};
  return method === 'client_secret_jwt' ? { jwtSecret: secret } : { secretHash: hashClientSecret(secret) };
}

/**
 * Validates the static clients of the configuration and builds them, hashing their secrets. A bad client stops the
 * process: the `ConfigError` names `clients[i].<field>`.
 */
export function loadStaticClients(clients: readonly StaticClient[], context: MetadataContext): Map<string, Client> {
  const loaded = new Map<string, Client>();
  clients.forEach((input, index) => {
    const unknown = Object.keys(input).find((name) => !recognizedMetadata.has(name));
    if (unknown) throw new ConfigError(`clients[${index}].${unknown}`, 'is not a known client metadata name');
    try {
      const { metadata, secret } = validateClientMetadata(input as unknown as Record<string, unknown>, context);
      if (loaded.has(metadata.client_id)) throw new ConfigError(`clients[${index}].client_id`, 'is a duplicate');
      loaded.set(
        metadata.client_id,
        new Client(metadata, secretMaterial(metadata.token_endpoint_auth_method, secret), true),
      );
    } catch (error) {
      const field = (error as Partial<{ field: string }>).field;
      if (field === undefined) throw error;
      const description = (error as OIDCError).errorDescription;
      throw new ConfigError(`clients[${index}].${field}`, description.slice(field.length + 1));
    }
  });
  return loaded;
}

/** Static clients from configuration, then clients registered in storage (RFC 7591). */
export class ConfiguredClientStore implements ClientStore {
  readonly #static: ReadonlyMap<string, Client>;
  readonly #registered: Adapter<ClientRecord>;

  constructor(staticClients: ReadonlyMap<string, Client>, registered: Adapter<ClientRecord>) {
    this.#static = staticClients;
    this.#registered = registered;
  }

  async find(clientId: string): Promise<Client | undefined> {
    const configured = this.#static.get(clientId);
    if (configured) return configured;
    if (clientId.length === 0 || clientId.length > 255) return undefined;
    const record = await this.#registered.find(clientId);
    return record ? Client.fromRecord(record) : undefined;
  }

  /** Whether this id belongs to a static client (registration must not take or change it). */
  isStatic(clientId: string): boolean {
    return this.#static.has(clientId);
  }
}
