/**
 * The kubelet's job for one pod: give it a loopback address and a network sandbox, materialise its volumes, run its
 * containers from the image map (restarting them per `restartPolicy`), probe them, report status, and on deletion stop
 * them gracefully (SIGTERM, the grace period, SIGKILL) before removing the Pod object.
 *
 * `sync()` is level-based: the agent calls it again and again with the latest Pod; each call moves the pod towards what
 * its spec asks for. Calls never overlap for one pod.
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { AddressBlock } from './addresses.ts';
import type { BindMount, ContainerLaunch } from './container-script.ts';
import { ContainerSlot, type RestartBackoff } from './container-slot.ts';
import { startContainer, type ContainerRun } from './container.ts';
import { containerEnv, expand } from './env.ts';
import { hostsFile, writeInPlace, type ServiceName } from './hosts-file.ts';
import type { ImageConfig, ImageMap } from './images.ts';
import { callApi, isNotFound, type ApiEndpoint } from './kube-api.ts';
import { PodVolumes, type VolumeDirs } from './volumes.ts';
import { StatusWriter, type PodSnapshot } from './pod-status.ts';
import { ProbeLoop, type ProbeTarget } from './probes.ts';
import { startSandbox, type PodSandbox, type ServicePort } from './sandbox.ts';
import type { Supervisor } from './supervisor.ts';

/** What every pod runner shares with the agent. */
export interface PodRunnerContext {
  readonly api: ApiEndpoint;
  readonly supervisor: Supervisor;
  readonly images: ImageMap;
  readonly addresses: AddressBlock;
  readonly podsDir: string;
  readonly logsDir: string;
  readonly hostIP: string;
  /** The agent's socket for connections out of pods to Services. */
  readonly outSocket: string;
  readonly backoff: RestartBackoff;
  /** The Services pods see now. */
  services(): { names: ServiceName[]; ports: ServicePort[] };
  /** The service-link variables of a namespace. */
  serviceLinks(namespace: string): Record<string, string>;
  /** Where pods reach the API server (`KUBERNETES_SERVICE_HOST`/`_PORT`). */
  kubernetesService(): { host: string; port: number };
}

/** Now, to the second (the API's timestamps have no fraction). */
const timestamp = (): Date => new Date(Math.floor(Date.now() / 1000) * 1000);

/** Runs one pod. */
export class PodRunner {
  pod: V1Pod;
  readonly #context: PodRunnerContext;
  readonly #dir: string;
  readonly #status: StatusWriter;
  readonly #slots: ContainerSlot[];
  readonly #startTime = timestamp();
  #podIP: string | undefined;
  #sandbox: PodSandbox | undefined;
  #volumes: PodVolumes | undefined;
  #volumeDirs: VolumeDirs | undefined;
  #done = false;

  constructor(context: PodRunnerContext, pod: V1Pod) {
    this.#context = context;
    this.pod = pod;
    this.#dir = join(context.podsDir, pod.metadata?.uid ?? 'unknown');
    this.#status = new StatusWriter(context.api);
    this.#slots = (pod.spec?.containers ?? []).map((spec) => new ContainerSlot(spec, context.backoff));
  }

  get namespace(): string {
    return this.pod.metadata?.namespace ?? 'default';
  }

  get name(): string {
    return this.pod.metadata?.name ?? '';
  }

  get podIP(): string | undefined {
    return this.#podIP;
  }

  /** Whether the pod is gone from this node (terminated and its object removed). */
  get done(): boolean {
    return this.#done;
  }

  /** Where a container's runs log (one file per run, numbered from 0). */
  logPath(container: string, run: number): string {
    return join(this.#context.logsDir, `${this.namespace}_${this.name}`, `${container}-${run}.log`);
  }

  /** The unix socket into this pod's network (`sandbox.ts`), once it has one. */
  get inSocket(): string | undefined {
    return this.#sandbox?.inSocket;
  }

  /** A connection to a port of this pod. */
  dial(port: number): Promise<Socket> {
    if (this.#sandbox === undefined) return Promise.reject(new Error(`pod ${this.name} has no network yet`));
    return this.#sandbox.dial(port);
  }

  /** One step towards the pod's spec. */
  async sync(): Promise<void> {
    if (this.#done) return;
    const meta = this.pod.metadata;
    if (meta?.deletionTimestamp !== undefined) {
      await this.terminate(meta.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30);
      await this.#removeObject();
      return;
    }
    if (this.#sandbox === undefined) {
      this.#podIP = this.#context.addresses.podAddress();
      mkdirSync(join(this.#dir, 'containers'), { recursive: true });
      mkdirSync(join(this.#context.logsDir, `${this.namespace}_${this.name}`), { recursive: true });
      this.#sandbox = await startSandbox(this.#context.supervisor, this.#dir, this.#podIP, this.#context.outSocket);
      this.#volumes = new PodVolumes(this.#context.api, this.pod, this.#dir, this.#podIP, this.#context.hostIP);
    }
    this.#syncNetwork();
    try {
      // Every port on the pod's address, before any container runs: a container must never start while another
      // process on this machine answers in its place (a kubelet's pod network has no such neighbours).
      await this.#sandbox.exposePorts(
        this.#slots.flatMap((slot) =>
          (slot.spec.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort),
        ),
      );
      this.#volumeDirs = await this.#volumes!.refresh();
    } catch (error) {
      for (const slot of this.#slots)
        if (slot.run === undefined && slot.runs === 0) slot.waiting('ContainerCreating', message(error));
      await this.#writeStatus();
      return;
    }
    for (const slot of this.#slots) {
      if (slot.run !== undefined || slot.startAfter === undefined || Date.now() < slot.startAfter) continue;
      await this.#start(slot);
    }
    await this.#writeStatus();
  }

  /** Stops every container (SIGTERM, then SIGKILL after `graceSeconds`) and the sandbox; the pod stays terminated. */
  async terminate(graceSeconds: number): Promise<void> {
    for (const slot of this.#slots) slot.startAfter = undefined;
    await Promise.all(this.#slots.map(async (slot) => slot.run?.stop(graceSeconds)));
    await this.#sandbox?.stop();
    if (this.#podIP !== undefined) this.#context.addresses.release(this.#podIP);
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #removeObject(): Promise<void> {
    try {
      await this.#writeStatus();
    } catch {
      // the object may be gone already
    }
    const meta = this.pod.metadata;
    try {
      await callApi(this.#context.api, 'DELETE', `/api/v1/namespaces/${this.namespace}/pods/${this.name}`, {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        gracePeriodSeconds: 0,
        preconditions: { uid: meta?.uid },
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    this.#done = true;
  }

  #syncNetwork(): void {
    const { names, ports } = this.#context.services();
    const hostname = this.pod.spec?.hostname ?? this.name;
    writeInPlace(join(this.#dir, 'hosts'), hostsFile(this.#podIP ?? '', hostname, this.namespace, names));
    // A Service listener on a port the pod binds itself would take that port from it (a wildcard bind conflicts with
    // any address on the same port): such Service ports are not served inside this pod (without NAT, a limitation).
    const own = new Set(this.#slots.flatMap((slot) => (slot.spec.ports ?? []).map((p) => p.containerPort)));
    this.#sandbox?.setServices(ports.filter((p) => !own.has(p.port)));
  }

  async #start(slot: ContainerSlot): Promise<void> {
    const spec = slot.spec;
    const image = this.#context.images[spec.image ?? ''];
    if (image === undefined) {
      slot.waiting('ErrImagePull', `image ${spec.image ?? ''} is not in the node agent's image map`);
      return;
    }
    let launch: ContainerLaunch;
    let env: Record<string, string>;
    try {
      await this.#writeStatus(); // ContainerCreating while the image is prepared
      const config = await image.pull();
      env = await containerEnv(this.#context.api, this.pod, spec, config.env, {
        podIP: this.#podIP ?? '',
        hostIP: this.#context.hostIP,
        kubernetesService: this.#context.kubernetesService(),
        serviceLinks: this.pod.spec?.enableServiceLinks === false ? {} : this.#context.serviceLinks(this.namespace),
      });
      launch = this.#launch(slot, config, env);
    } catch (error) {
      slot.waiting('CreateContainerConfigError', message(error));
      return;
    }
    let run: ContainerRun;
    try {
      const logPath = this.logPath(spec.name, slot.runs);
      run = startContainer(this.#context.supervisor, launch, this.#sandbox!.pid, env, logPath);
    } catch (error) {
      slot.waiting('RunContainerError', message(error));
      return;
    }
    slot.started(run);
    void run.exited.then((exit) => {
      const policy = this.pod.spec?.restartPolicy ?? 'Always';
      const restart =
        slot.startAfter !== undefined && (policy === 'Always' || (policy === 'OnFailure' && exit.code !== 0));
      slot.exited(exit, restart);
      rmSync(launch.runDir, { recursive: true, force: true });
    });
    this.#startProbes(slot, launch, env);
  }

  #launch(slot: ContainerSlot, image: ImageConfig, env: Record<string, string>): ContainerLaunch {
    const spec = slot.spec;
    const podSecurity = this.pod.spec?.securityContext;
    const security = spec.securityContext;
    const runAsUser = security?.runAsUser ?? podSecurity?.runAsUser;
    const uid = runAsUser ?? image.uid;
    const gid = security?.runAsGroup ?? podSecurity?.runAsGroup ?? (runAsUser === undefined ? image.gid : 0);
    if ((security?.runAsNonRoot ?? podSecurity?.runAsNonRoot ?? false) && uid === 0) {
      throw new Error('container has runAsNonRoot and image will run as root');
    }
    const mounts: BindMount[] = image.files.map((file) => ({
      source: file.hostPath,
      target: file.path,
      readOnly: true,
      isFile: statSync(file.hostPath).isFile(),
    }));
    for (const mount of spec.volumeMounts ?? []) {
      const dir = this.#volumeDirs?.get(mount.name);
      if (dir === undefined) throw new Error(`volumeMount ${mount.name}: no volume of that name`);
      const source = mount.subPath === undefined || mount.subPath === '' ? dir : join(dir, mount.subPath);
      mounts.push({
        source,
        target: mount.mountPath,
        readOnly: mount.readOnly ?? false,
        isFile: statSync(source).isFile(),
      });
    }
    mounts.push({ source: join(this.#dir, 'hosts'), target: '/etc/hosts', readOnly: true, isFile: true });
    const command = spec.command ?? image.entrypoint;
    const args = spec.args ?? (spec.command === undefined ? image.cmd : []);
    const argv = [...command, ...args].map((part) => expand(part, env));
    if (argv.length === 0) throw new Error('container has no command');
    const groups = [podSecurity?.fsGroup, ...(podSecurity?.supplementalGroups ?? [])].filter((g) => g !== undefined);
    return {
      runDir: join(this.#dir, 'containers', `${spec.name}-${slot.runs}`),
      mounts,
      readOnlyRootFilesystem: security?.readOnlyRootFilesystem ?? false,
      workingDir: spec.workingDir ?? image.workingDir,
      uid,
      gid,
      supplementalGroups: groups,
      noNewPrivileges: security?.allowPrivilegeEscalation === false,
      dropAllCapabilities: security?.capabilities?.drop?.includes('ALL') ?? false,
      argv,
    };
  }

  #startProbes(slot: ContainerSlot, launch: ContainerLaunch, env: Record<string, string>): void {
    const run = slot.run;
    if (run === undefined) return;
    const target: ProbeTarget = {
      podIP: this.#podIP ?? '',
      dial: (port) => this.dial(port),
      exec: (argv, timeoutMs) => this.#exec(run.mainPid(), launch, env, argv, timeoutMs),
    };
    const container: V1Container = slot.spec;
    if (container.readinessProbe !== undefined) {
      slot.probes.push(
        new ProbeLoop(container.readinessProbe, container, target, false, (passing) => {
          slot.probesPassing = passing;
          void this.#writeStatus().catch(() => undefined);
        }),
      );
    }
    if (container.livenessProbe !== undefined) {
      slot.probes.push(
        new ProbeLoop(container.livenessProbe, container, target, true, (passing) => {
          if (!passing) void run.stop(this.pod.spec?.terminationGracePeriodSeconds ?? 30);
        }),
      );
    }
  }

  /** Runs `argv` inside the running container (its namespaces, root, directory, user), as `kubectl exec` would. */
  async #exec(
    mainPid: number | undefined,
    launch: ContainerLaunch,
    env: Record<string, string>,
    argv: readonly string[],
    timeoutMs: number,
  ): Promise<number> {
    if (mainPid === undefined) return 1;
    const groups =
      launch.supplementalGroups.length > 0 ? `--groups=${launch.supplementalGroups.join(',')}` : '--clear-groups';
    const proc = this.#context.supervisor.start(
      'nsenter',
      [
        '-t',
        String(mainPid),
        '-m',
        '-p',
        '-n',
        '-r',
        '-w',
        '--',
        '/usr/bin/setpriv',
        `--reuid=${launch.uid}`,
        `--regid=${launch.gid}`,
        groups,
        '--',
        ...argv,
      ],
      { env, logPath: join(this.#dir, 'exec.log') },
    );
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
    const exit = await proc.exited;
    clearTimeout(timer);
    return exit.code;
  }

  async #writeStatus(): Promise<void> {
    const containers = this.#slots.map((slot) => slot.snapshot(slot.spec.image ?? ''));
    const policy = this.pod.spec?.restartPolicy ?? 'Always';
    const finished = this.#slots.every(
      (slot) => slot.run === undefined && slot.startAfter === undefined && slot.runs > 0,
    );
    let phase: PodSnapshot['phase'] = this.#slots.some((slot) => slot.run !== undefined) ? 'Running' : 'Pending';
    if (finished && policy !== 'Always') {
      phase = this.#slots.every((slot) => slot.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    }
    await this.#status.write(this.pod, {
      phase,
      hostIP: this.#context.hostIP,
      startTime: this.#startTime,
      containers,
      ...(this.#podIP === undefined ? {} : { podIP: this.#podIP }),
    });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
