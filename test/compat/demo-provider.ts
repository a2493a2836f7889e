/**
 * The development default (`npm start`) as the compatibility suite drives it: the demo account, the demo clients and
 * every feature, with the clients' redirect and post-logout redirect URIs pointed at the test's own relying party on
 * a loopback port. Each relying-party library gets the same provider a newcomer gets.
 */
import { hashPassword } from '../../provider/accounts/password.ts';
import {
  DEMO_ACCOUNT_PASSWORD,
  DEMO_INITIAL_ACCESS_TOKEN,
  demoAccount,
  devClients,
  devFeatures,
} from '../../provider/config/dev-defaults.ts';
import { staticTokenHash } from '../../provider/registration/initial-access-token.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

export const demoUser = { username: 'demo', password: DEMO_ACCOUNT_PASSWORD };

/** The demo provider, its clients sending the browser back to `redirectUri` and, after logout, `postLogoutRedirectUri`. */
export async function startDemoProvider(uris: {
  redirectUri: string;
  postLogoutRedirectUri: string;
}): Promise<TestProvider> {
  return startTestProvider({
    features: devFeatures(staticTokenHash(DEMO_INITIAL_ACCESS_TOKEN)),
    clients: devClients.map((client) => ({
      ...client,
      redirect_uris: [uris.redirectUri],
      post_logout_redirect_uris: [uris.postLogoutRedirectUri],
    })),
    accounts: { records: [demoAccount(await hashPassword(DEMO_ACCOUNT_PASSWORD, { N: 2 ** 12, r: 8, p: 1 }))] },
  });
}
