/**
 * Paths inside a container's root. The root is an overlay of the machine's root filesystem, so a path's symlinks are
 * the machine's; they must be followed as inside the container (an absolute link such as Debian's `/var/run -> /run`
 * points into the container's root), never out of it, or a mount point would be created on the machine.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

/** `path` with every symlink resolved as seen from inside a root that mirrors the machine's filesystem. */
export function resolveInRoot(path: string): string {
  let pending = path.split('/').filter(Boolean);
  const resolved: string[] = [];
  for (let hops = 0; pending.length > 0;) {
    const [part = '', ...rest] = pending;
    pending = rest;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = `/${[...resolved, part].join('/')}`;
    let link: string | undefined;
    try {
      link = lstatSync(candidate).isSymbolicLink() ? readlinkSync(candidate) : undefined;
    } catch {
      link = undefined; // does not exist (yet): created inside the container
    }
    if (link === undefined) {
      resolved.push(part);
      continue;
    }
    if (++hops > 40) throw new Error(`too many symlinks in ${path}`);
    if (link.startsWith('/')) resolved.length = 0;
    pending = [...link.split('/').filter(Boolean), ...pending];
  }
  return posix.join('/', ...resolved);
}
