/** Child process: panva's oidc-provider (the peer) on the port given as argv[2], configured like kubeoidc. */
import Provider from 'oidc-provider';
import { generateKeyFile } from '../../provider/keys/generate.ts';
import { benchClient } from '../bench-client.ts';

const port = Number(process.argv[2]);
const keys = await generateKeyFile(['RS256', 'ES256']);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [benchClient],
  jwks: { keys: keys.keys },
  cookies: { keys: keys.cookieKeys },
  scopes: ['openid', 'api:read'],
  features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
});
provider.listen(port, '127.0.0.1', () => {
  console.log('ready');
});
