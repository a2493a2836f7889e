/**
 * JSON Schema of the provider configuration (after defaults are applied). The operator validates what it renders
 * against the same schema; `options.ts` documents each option.
 */
const seconds = { type: 'integer', minimum: 1, maximum: 10 * 365 * 24 * 3600 } as const;
const feature = {
  type: 'object',
  required: ['enabled'],
  properties: { enabled: { type: 'boolean' } },
  additionalProperties: false,
} as const;
const hostPort = { type: 'string', pattern: '^[^\\s:]+:[0-9]{1,5}$' } as const;

export const configSchema = {
  $id: 'https://kubeoidc.dev/schemas/provider-config.json',
  type: 'object',
  additionalProperties: false,
  required: ['issuer', 'port', 'host', 'metricsPort', 'ttl', 'storage', 'devKeysDir', 'signingAlgorithms', 'clients'],
  properties: {
    issuer: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    metricsPort: { type: 'integer', minimum: 0, maximum: 65535 },
    ttl: {
      type: 'object',
      additionalProperties: false,
      properties: {
        authorizationCode: seconds,
        accessToken: seconds,
        clientCredentials: seconds,
        idToken: seconds,
        refreshToken: seconds,
        session: seconds,
        grant: seconds,
        interaction: seconds,
        deviceCode: seconds,
        pushedAuthorizationRequest: seconds,
      },
    },
    storage: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { enum: ['memory', 'redis'] },
        maxEntries: { type: 'integer', minimum: 100 },
        url: { type: 'string', pattern: '^rediss?://' },
        keyPrefix: { type: 'string', default: 'kubeoidc:' },
        password: { type: 'string', minLength: 1 },
        sentinelPassword: { type: 'string', minLength: 1 },
        tls: { type: 'boolean' },
        commandTimeoutMs: { type: 'integer', minimum: 10, maximum: 60_000 },
        sentinel: {
          type: 'object',
          required: ['masterName', 'sentinels'],
          additionalProperties: false,
          properties: {
            masterName: { type: 'string', minLength: 1 },
            sentinels: { type: 'array', minItems: 1, items: hostPort },
          },
        },
        cluster: {
          type: 'object',
          required: ['nodes'],
          additionalProperties: false,
          properties: { nodes: { type: 'array', minItems: 1, items: hostPort } },
        },
      },
      additionalProperties: false,
    },
    keysFile: { type: 'string', minLength: 1 },
    devKeysDir: { type: 'string', minLength: 1 },
    signingAlgorithms: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: ['RS256', 'PS256', 'ES256', 'EdDSA'] },
    },
    clients: {
      type: 'array',
      items: {
        type: 'object',
        required: ['client_id'],
        properties: {
          client_id: { type: 'string', minLength: 1, maxLength: 255 },
          client_secret: { type: 'string', minLength: 1 },
          redirect_uris: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    accounts: {
      type: 'object',
      additionalProperties: false,
      properties: {
        file: { type: 'string', minLength: 1 },
        passwordHashConcurrency: { type: 'integer', minimum: 1, maximum: 256 },
        passwordHashNice: { type: 'integer', minimum: 0, maximum: 19 },
        passwordHashCost: {
          type: 'object',
          required: ['m', 't', 'p'],
          additionalProperties: false,
          properties: {
            m: { type: 'integer', minimum: 8 },
            t: { type: 'integer', minimum: 1 },
            p: { type: 'integer', minimum: 1, maximum: 255 },
          },
        },
        records: {
          type: 'array',
          items: {
            type: 'object',
            required: ['username', 'password_hash', 'sub'],
            properties: {
              username: { type: 'string', minLength: 1 },
              password_hash: { type: 'string', minLength: 1 },
              sub: { type: 'string', minLength: 1, maxLength: 255 },
              claims: { type: 'object' },
            },
            additionalProperties: false,
          },
        },
      },
    },
    scopes: { type: 'array', items: { type: 'string', pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' } },
    features: {
      type: 'object',
      additionalProperties: false,
      properties: {
        registration: {
          ...feature,
          properties: {
            enabled: { type: 'boolean' },
            initialAccessToken: { type: 'boolean' },
            initialAccessTokens: {
              type: 'array',
              items: {
                type: 'object',
                required: ['sha256'],
                additionalProperties: false,
                properties: {
                  sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                  policies: { type: 'array', items: { enum: ['client_id'] }, uniqueItems: true },
                },
              },
            },
          },
        },
        introspection: {
          type: 'object',
          required: ['enabled'],
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            allowedClients: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
          },
        },
        revocation: feature,
        deviceFlow: feature,
        pushedAuthorizationRequests: {
          ...feature,
          properties: { enabled: { type: 'boolean' }, required: { type: 'boolean' } },
        },
        backchannelLogout: feature,
        rpInitiatedLogout: feature,
        claimsParameter: feature,
        resourceIndicators: feature,
        jwtAccessTokens: feature,
      },
    },
    trustedProxies: {
      type: 'array',
      items: { type: 'string', pattern: '^(loopback|linklocal|uniquelocal|[0-9A-Fa-f.:]+(/[0-9]{1,3})?)$' },
      default: ['loopback'],
    },
    clientAuthentication: {
      type: 'object',
      additionalProperties: false,
      required: ['strictSecretMethod', 'assertionMaxLifetime'],
      properties: {
        strictSecretMethod: { type: 'boolean' },
        assertionMaxLifetime: { type: 'integer', minimum: 1, maximum: 24 * 3600 },
      },
      default: { strictSecretMethod: false, assertionMaxLifetime: 600 },
    },
    shutdownDelaySeconds: { type: 'integer', minimum: 0, maximum: 60 },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    metricsClientAllowlist: { type: 'array', items: { type: 'string' } },
    outbound: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        allow: { type: 'array', default: [], maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 253 } },
      },
    },
    eventStream: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        maxLength: { type: 'integer', minimum: 1 },
        bufferSize: { type: 'integer', minimum: 1 },
      },
    },
    development: { type: 'boolean' },
  },
} as const;
