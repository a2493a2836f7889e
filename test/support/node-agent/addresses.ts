/**
 * Loopback addresses for pods and Services. Every address in 127.0.0.0/8 is local without configuration, so each pod
 * and each Service gets its own, as on a cluster network.
 *
 * Several agents may run at once (test files run concurrently), so each claims a /23 of its own: `127.A.B.0/24` for
 * pods and `127.A.B+1.0/24` for Services. The claim is a file created exclusively under the system temp dir and
 * naming the claiming process; it is removed on close or when the process exits, and a claim whose process is gone
 * (killed outright) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessExit } from '../processes.ts';

const CLAIMS_DIR = join(tmpdir(), 'kubeoidc-node-agent-addresses');

/** Hands out pod and Service addresses from one claimed block. */
export interface AddressBlock {
  /** A free pod address (`127.A.B.2`–`127.A.B.254`), reused only after {@link release}. */
  podAddress(): string;
  /** A free Service address. */
  serviceAddress(): string;
  /** Gives an address back. */
  release(address: string): void;
  /** Gives the whole block back. */
  close(): void;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryClaim(path: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) return false;
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  return false;
}

/** Claims a free block. */
export function claimAddressBlock(): AddressBlock {
  mkdirSync(CLAIMS_DIR, { recursive: true });
  for (let attempt = 0; attempt < 1000; attempt++) {
    const a = 1 + Math.floor(Math.random() * 254);
    const b = 2 * Math.floor(Math.random() * 127);
    const claim = join(CLAIMS_DIR, `${a}.${b}`);
    if (tryClaim(claim)) return block(`127.${a}.${b}`, `127.${a}.${b + 1}`, claim);
  }
  throw new Error('no free loopback address block for the node agent');
}

function block(podPrefix: string, servicePrefix: string, claim: string): AddressBlock {
  const used = new Set<string>();
  const unregister = onProcessExit(() => {
    rmSync(claim, { force: true });
  });
  let next = { pod: 2, service: 2 };
  const take = (prefix: string, kind: 'pod' | 'service'): string => {
    for (let i = 0; i < 253; i++) {
      const host = next[kind];
      next = { ...next, [kind]: host >= 254 ? 2 : host + 1 };
      const address = `${prefix}.${host}`;
      if (!used.has(address)) {
        used.add(address);
        return address;
      }
    }
    throw new Error(`node agent: all ${kind} addresses of ${prefix}.0/24 are in use`);
  };
  return {
    podAddress: () => take(podPrefix, 'pod'),
    serviceAddress: () => take(servicePrefix, 'service'),
    release: (address) => used.delete(address),
    close: () => {
      rmSync(claim, { force: true });
      unregister();
    },
  };
}
