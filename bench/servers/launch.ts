/**
 * Starts one benchmarked server: its own Debian `redis-server` on a free loopback port, then the server process, both
 * pinned to the server core (`taskset`), and waits until discovery answers. `stop()` ends both (also on failure).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port.ts';
import { baseArgs, RedisGroup } from '../../test/support/redis-node.ts';
import { pinPid, pinnedCommand } from '../pinning.ts';

/** A running server under test. */
export interface RunningServer {
  readonly name: string;
  readonly baseUrl: string;
  /** The server process (its RSS is what the memory table reports). */
  readonly pid: number;
  /** Its redis-server process (pinned to the same core). */
  readonly redisPid: number;
  /** Where its stdout and stderr go. */
  readonly logPath: string;
  stop(): Promise<void>;
}

/** What a server needs to be started, given its port, Redis URL and a scratch dir. */
export interface ServerSpec {
  readonly name: string;
  /** argv (without the pinning prefix) and environment of the server process. */
  command(context: {
    port: number;
    redisUrl: string;
    dir: string;
  }): Promise<{ argv: string[]; env: NodeJS.ProcessEnv }>;
}

async function waitForDiscovery(child: ChildProcess, baseUrl: string, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${String(child.exitCode)}); see ${logPath}`);
    try {
      const response = await fetch(`${baseUrl}/.well-known/openid-configuration`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not answer discovery within 60 s; see ${logPath}`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

async function logTail(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/** Starts Redis and the server on `core`. */
export async function launch(spec: ServerSpec, core: number | undefined): Promise<RunningServer> {
  const redis = new RedisGroup(`bench-${spec.name}`);
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    // The harness's Redis processes are unref'd: keep this process alive until they are gone.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child?.kill('SIGKILL'), 5000);
        await once(child, 'exit');
        clearTimeout(timer);
      }
      await redis.stop();
    } finally {
      clearInterval(keepAlive);
    }
  };
  try {
    const redisPort = await freePort();
    const redisProcess = await redis.start('redis', baseArgs(redisPort, redis.dir), redisPort);
    if (core !== undefined && redisProcess.child.pid !== undefined) await pinPid(redisProcess.child.pid, core);
    const port = await freePort();
    const { argv, env } = await spec.command({ port, redisUrl: `redis://127.0.0.1:${redisPort}`, dir: redis.dir });
    const logPath = join(redis.dir, `${spec.name}.log`);
    const log = openSync(logPath, 'a');
    const [file, ...args] = pinnedCommand(argv, core);
    child = spawn(file, args, { env, stdio: ['ignore', log, log] });
    closeSync(log);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForDiscovery(child, baseUrl, logPath);
    if (child.pid === undefined) throw new Error(`${spec.name} has no pid`);
    if (redisProcess.child.pid === undefined) throw new Error(`${spec.name}'s redis-server has no pid`);
    return { name: spec.name, baseUrl, pid: child.pid, redisPid: redisProcess.child.pid, logPath, stop };
  } catch (error) {
    const tail = child ? await logTail(join(redis.dir, `${spec.name}.log`)) : '';
    await stop();
    throw new Error(`${spec.name} did not start: ${(error as Error).message}\n${tail}`, { cause: error });
  }
}
