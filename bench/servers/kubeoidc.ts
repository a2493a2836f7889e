/** Child process: kubeoidc on the port given as argv[2], printing `ready` once it listens. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepMerge } from '../../provider/config/merge.ts';
import { defaults } from '../../provider/config/options.ts';
import { validateConfig } from '../../provider/config/validate.ts';
import { startProvider } from '../../provider/runtime.ts';
import { benchClient } from '../bench-client.ts';

const port = Number(process.argv[2]);
const config = validateConfig(
  deepMerge(defaults, {
    issuer: `http://127.0.0.1:${port}`,
    port,
    host: '127.0.0.1',
    metricsPort: 0,
    logLevel: 'warn',
    devKeysDir: await mkdtemp(join(tmpdir(), 'kubeoidc-bench-')),
    scopes: ['openid', 'api:read'],
    clients: [benchClient],
  }),
);
await startProvider(config);
console.log('ready');
