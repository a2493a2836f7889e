/**
 * Whether a given process is the one listening on a loopback TCP port (Linux /proc).
 *
 * Free ports are picked before the servers bind them, so two control planes started at once can be handed the same
 * port; the loser exits, but until it does, a readiness probe on the port reaches the winner. etcd's /health has no
 * authentication to tell them apart, so the harness also checks that the listener belongs to the process it started
 * (otherwise its kube-apiserver could end up storing into another test's etcd).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Inodes of the sockets `pid` holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // the process is gone
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1] !== undefined) inodes.add(match[1]);
    } catch {
      // closed while we looked
    }
  }
  return inodes;
}

/** Inodes of the sockets listening on `port` (IPv4 and IPv6 tables). */
function listenerInodes(port: number): Set<string> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      // Fields: sl, local_address, rem_address, st, …, inode (index 9); st 0A is LISTEN.
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const [, local, , state, , , , , , inode] = fields;
      if (local.endsWith(`:${hexPort}`) && state === '0A') inodes.add(inode);
    }
  }
  return inodes;
}

/** Whether process `pid` holds a socket listening on TCP `port`. */
export function isListening(pid: number, port: number): boolean {
  const owned = socketInodes(pid);
  for (const inode of listenerInodes(port)) if (owned.has(inode)) return true;
  return false;
}
