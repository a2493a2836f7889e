/**
 * One server started for the profiling tools (`bench:profile`, `bench:phases`) exactly as `npm run bench` starts it:
 * kubeoidc compiled like the image (its node flags and ENV) or oidc-provider, each on its own redis-server, with the
 * bench's keys, clients and accounts, pinned to the server core when `core` is given.
 */
import { rm } from 'node:fs/promises';
import { benchAccounts } from './accounts.ts';
import { buildCompiledEntry } from './build.ts';
import { writeBenchKeys } from './keys.ts';
import { kubeoidcSpec } from './servers/kubeoidc.ts';
import { launch, type RunningServer, type ServerSpec } from './servers/launch.ts';
import { peerSpec } from './servers/peer.ts';

export type ProfiledServerName = 'kubeoidc' | 'oidc-provider';

/** The server's name from `value`, or an error naming the choices. */
export function profiledServerName(variable: string, value: string): ProfiledServerName {
  if (value === 'kubeoidc' || value === 'oidc-provider') return value;
  throw new Error(`${variable} must be kubeoidc or oidc-provider, got "${value}"`);
}

/** The spec with `flags` placed after the image's own node flags (so a repeated V8 flag overrides the image's). */
function withNodeFlags(spec: ServerSpec, flags: readonly string[]): ServerSpec {
  return {
    name: spec.name,
    async command(context) {
      const command = await spec.command(context);
      // argv: node, the image's flags…, the entry, `provider`.
      command.argv.splice(command.argv.length - 2, 0, ...flags);
      return command;
    },
  };
}

export interface ProfiledServer {
  readonly server: RunningServer;
  /** Stops the server and its Redis and removes the build. */
  stop(): Promise<void>;
}

/**
 * Starts `name`. `accounts`: the end-user accounts kubeoidc gets (one per flow runner); `nodeFlags` (kubeoidc only)
 * go after the image's; `scratch` holds the keys file.
 */
export async function startProfiledServer(
  name: ProfiledServerName,
  options: { scratch: string; accounts: number; nodeFlags?: readonly string[]; core: number | undefined },
): Promise<ProfiledServer> {
  const keysFile = await writeBenchKeys(options.scratch);
  if (name === 'oidc-provider') {
    if ((options.nodeFlags ?? []).length > 0) throw new Error('node flags apply to kubeoidc only');
    const server = await launch(peerSpec({ keysFile }), options.core);
    return { server, stop: () => server.stop() };
  }
  console.log('building the provider like the image (tsc -p tsconfig.build.json)…');
  const built = await buildCompiledEntry();
  const removeBuild = () => rm(built.dir, { recursive: true, force: true });
  try {
    const spec = kubeoidcSpec({ entry: built.entry, keysFile, accounts: await benchAccounts(options.accounts) });
    const server = await launch(withNodeFlags(spec, options.nodeFlags ?? []), options.core);
    return {
      server,
      async stop() {
        await server.stop();
        await removeBuild();
      },
    };
  } catch (error) {
    await removeBuild();
    throw error;
  }
}
