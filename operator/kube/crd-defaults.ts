/**
 * Defaults the CRDs in `crds/` declare. The API server fills them in, so objects read from it carry them; code that
 * builds or reads objects another way uses these. `test/crds/install.test.ts` checks them against a real server.
 */

/** Defaults the OIDCProvider CRD declares (the API server fills them in; `test/crds/types.test.ts` keeps them equal). */
export const OIDC_PROVIDER_DEFAULTS = {
  replicas: 2,
  redisKeyPrefix: 'kubeoidc:',
  ttl: {
    authorizationCode: 60,
    accessToken: 3600,
    clientCredentials: 600,
    deviceCode: 600,
    idToken: 3600,
    refreshToken: 1209600,
    session: 1209600,
    grant: 1209600,
    interaction: 3600,
  },
  features: {
    registration: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    deviceFlow: { enabled: false },
    pushedAuthorizationRequests: { enabled: true, required: false },
    backchannelLogout: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    claimsParameter: { enabled: false },
    resourceIndicators: { enabled: false },
    jwtAccessTokens: { enabled: false },
  },
  signingAlgorithms: ['RS256', 'ES256'],
  rotationPeriod: '720h',
  propagationDelay: '1h',
  keyRetention: { podPropagationMargin: '5m', clockSkewMargin: '5m' },
  accountsKey: 'accounts.yaml',
  servicePort: 80,
  serviceType: 'ClusterIP',
  podDisruptionBudgetEnabled: true,
  ingressEnabled: false,
  autoscaling: { enabled: false, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 80 },
  serviceMonitor: { enabled: false, interval: '30s' },
  logLevel: 'info',
  maxClientLabels: 50,
} as const;

/** Defaults the OIDCClient CRD declares. */
export const OIDC_CLIENT_DEFAULTS = {
  grantTypes: ['authorization_code'],
  scopes: ['openid'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  accessTokenFormat: 'opaque',
  clientIdKey: 'CLIENT_ID',
  clientSecretKey: 'CLIENT_SECRET',
  issuerUrlKey: 'ISSUER_URL',
  discoveryUrlKey: 'DISCOVERY_URL',
  deletionPolicy: 'Delete',
} as const;
