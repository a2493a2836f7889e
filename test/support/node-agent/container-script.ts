/**
 * The shell script that turns a process into a container (pure: a launch description in, script text out). It runs as
 * root in fresh mount and pid namespaces inside the pod's network namespace, and:
 * 1. mounts a copy-on-write overlay of the machine's root filesystem (writes land on a tmpfs private to the container,
 *    gone when it ends, like a container's writable layer), with its own /proc and the host's /dev and /sys;
 * 2. bind-mounts the image's files and the pod's volumes at their paths (creating mount points in the overlay, never on
 *    the machine), read-only where asked;
 * 3. remounts the root read-only for `readOnlyRootFilesystem`;
 * 4. chroots into it and, in the working directory, execs the command as the container's user and groups.
 * Mount propagation is private (`unshare --mount`), so none of this is seen outside the container.
 */

/** A bind mount into the container's root. */
export interface BindMount {
  /** Host file or directory. */
  readonly source: string;
  /** Absolute path inside the container. */
  readonly target: string;
  readonly readOnly: boolean;
  readonly isFile: boolean;
}

/** Everything the script needs to start one container. */
export interface ContainerLaunch {
  /** Host directory for this container's run (the overlay's mount point and scratch space live here). */
  readonly runDir: string;
  readonly mounts: readonly BindMount[];
  readonly readOnlyRootFilesystem: boolean;
  readonly workingDir: string;
  readonly uid: number;
  readonly gid: number;
  readonly supplementalGroups: readonly number[];
  readonly noNewPrivileges: boolean;
  readonly dropAllCapabilities: boolean;
  readonly argv: readonly string[];
}

/** Single-quotes a string for sh. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function within(root: string, path: string): string {
  return shellQuote(`${root}${path.startsWith('/') ? path : `/${path}`}`);
}

/** The script text; run it as `sh <file>` under `unshare --mount --pid --fork --mount-proc=no`. */
export function containerScript(launch: ContainerLaunch): string {
  const root = `${launch.runDir}/root`;
  const layer = `${launch.runDir}/layer`;
  const q = shellQuote;
  const lines = [
    'set -eu',
    `/usr/bin/mkdir -p ${q(root)} ${q(layer)}`,
    `/usr/bin/mount -t tmpfs -o mode=0755 container-layer ${q(layer)}`,
    `/usr/bin/mkdir ${q(`${layer}/upper`)} ${q(`${layer}/work`)}`,
    `/usr/bin/mount -t overlay container-root -o ${q(`lowerdir=/,upperdir=${layer}/upper,workdir=${layer}/work`)} ${q(root)}`,
    `/usr/bin/mount -t proc proc ${within(root, '/proc')}`,
    `/usr/bin/mount --rbind /dev ${within(root, '/dev')}`,
    `/usr/bin/mount --rbind /sys ${within(root, '/sys')}`,
  ];
  for (const mount of launch.mounts) {
    const target = within(root, mount.target);
    if (mount.isFile) {
      const parent = mount.target.slice(0, mount.target.lastIndexOf('/')) || '/';
      lines.push(`/usr/bin/mkdir -p ${within(root, parent)}`, `[ -e ${target} ] || : > ${target}`);
    } else {
      lines.push(`/usr/bin/mkdir -p ${target}`);
    }
    lines.push(`/usr/bin/mount --bind ${q(mount.source)} ${target}`);
    if (mount.readOnly) lines.push(`/usr/bin/mount -o remount,bind,ro ${target}`);
  }
  lines.push(`/usr/bin/mkdir -p ${within(root, launch.workingDir)}`);
  if (launch.readOnlyRootFilesystem) lines.push(`/usr/bin/mount -o remount,bind,ro ${q(root)}`);

  const setpriv = [
    '/usr/bin/setpriv',
    `--reuid=${launch.uid}`,
    `--regid=${launch.gid}`,
    launch.supplementalGroups.length > 0 ? `--groups=${launch.supplementalGroups.join(',')}` : '--clear-groups',
    ...(launch.noNewPrivileges ? ['--no-new-privs'] : []),
    ...(launch.dropAllCapabilities ? ['--inh-caps=-all', '--bounding-set=-all'] : []),
    '--',
  ];
  const enter = `cd "$1" || exit 1; shift; exec "$@"`;
  lines.push(
    `exec /usr/sbin/chroot ${q(root)} /bin/sh -c ${q(enter)} sh ${q(launch.workingDir)} ${[...setpriv, ...launch.argv].map(q).join(' ')}`,
  );
  return `${lines.join('\n')}\n`;
}
