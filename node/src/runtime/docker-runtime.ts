import type Docker from 'dockerode';
import type { ContainerInfo } from 'dockerode';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { throwIfAborted } from './abort.js';
import { resolveConfig } from './config.js';
import type { DockerRuntimeConfig, ResolvedConfig } from './config.js';
import { containerCreateOptions } from './create-options.js';
import { dockerClient } from './docker-client.js';
import { engineStatus, toRuntimeError } from './engine-errors.js';
import { ImageMissingError, RuntimeError } from './errors.js';
import { runExec } from './exec.js';
import { requireAllowedImage } from './images.js';
import { openSession } from './interactive-session.js';
import { containerName, labelFilter, LABELS } from './labels.js';
import { containerLogs } from './logs.js';
import type {
  ContainerHandle,
  ContainerSpec,
  ContainerState,
  ContainerStats,
  ExecOptions,
  ExecResult,
  InteractiveSession,
  ListedContainer,
  LogChunk,
  LogOptions,
  Runtime,
  Signalled,
  StopOptions,
  TtyExecOptions,
} from './runtime.js';
import { checkCommand, checkEnv, checkSpec } from './spec-checks.js';
import { containerStateOf, statusOf } from './state.js';
import { statsOf } from './stats.js';
import { isStorageQuotaRefusal, storageQuotaSupport } from './storage-quota.js';
import type { StorageDriverInfo } from './storage-quota.js';

const DEFAULT_STOP_GRACE_SECONDS = 10;

/** The Runtime on a Docker engine (dockerode). Create one with DockerRuntime.connect. */
export class DockerRuntime implements Runtime {
  private constructor(
    private readonly docker: Docker,
    readonly engine: string,
    private readonly config: ResolvedConfig,
    private storageQuota: boolean,
    private readonly logger: Logger,
  ) {}

  /** Connects to the engine and checks it answers. Throws RuntimeUnavailableError naming the fix when it does not. */
  static async connect(config: DockerRuntimeConfig, options: Signalled = {}): Promise<DockerRuntime> {
    const resolved = resolveConfig(config);
    const { docker, engine } = dockerClient(config.dockerHost);
    const logger = config.logger ?? pino({ name: 'decloud-runtime' });
    let info: StorageDriverInfo;
    try {
      // info() takes options at run time; the typings omit them.
      info = await (docker.info as (opts: { abortSignal?: AbortSignal }) => Promise<StorageDriverInfo>)({ abortSignal: options.signal });
    } catch (err) {
      throw toRuntimeError(err, engine, 'connecting');
    }
    const quota = storageQuotaSupport(info);
    if (!quota.supported) logger.warn({ engine }, `container disk limits are not enforced: ${quota.reason}`);
    return new DockerRuntime(docker, engine, resolved, quota.supported, logger);
  }

  async create(spec: ContainerSpec, { signal }: Signalled = {}): Promise<ContainerHandle> {
    checkSpec(spec);
    requireAllowedImage(this.config.allowedImages, spec.image);
    const name = containerName(spec.leaseId);
    try {
      await this.requireLocalImage(spec.image, signal);
      const container = await this.createContainer(spec, signal);
      this.logger.info({ lease: spec.leaseId, id: container.id, image: spec.image }, 'container created');
      return { id: container.id, name, leaseId: spec.leaseId, renter: spec.renter };
    } catch (err) {
      if (engineStatus(err) === 409) {
        throw new RuntimeError('CONTAINER_EXISTS', `a container named ${name} exists already: reuse it (listByLabel) or remove it first`, { cause: err });
      }
      throw this.fail(err, 'creating a container', name);
    }
  }

  async start(handle: ContainerHandle, { signal }: Signalled = {}): Promise<void> {
    try {
      await this.docker.getContainer(handle.id).start({ abortSignal: signal });
    } catch (err) {
      if (engineStatus(err) !== 304) throw this.fail(err, 'starting', handle.name); // 304: already running
    }
  }

  exec(handle: ContainerHandle, cmd: string[], options: TtyExecOptions): Promise<InteractiveSession>;
  exec(handle: ContainerHandle, cmd: string[], options?: ExecOptions): Promise<ExecResult>;
  async exec(handle: ContainerHandle, cmd: string[], options: ExecOptions | TtyExecOptions = {}): Promise<ExecResult | InteractiveSession> {
    checkCommand(cmd, 'the exec command');
    if (options.env) checkEnv(options.env, 'exec env');
    const container = this.docker.getContainer(handle.id);
    try {
      if (options.tty) return await openSession(container, cmd, options, (err, action) => this.fail(err, action, handle.name));
      return await runExec(container, cmd, options);
    } catch (err) {
      throw this.fail(err, 'exec', handle.name);
    }
  }

  async *logs(handle: ContainerHandle, options: LogOptions = {}): AsyncGenerator<LogChunk> {
    try {
      yield* containerLogs(this.docker.getContainer(handle.id), options);
    } catch (err) {
      throw this.fail(err, 'reading logs', handle.name);
    }
  }

  async stats(handle: ContainerHandle, { signal }: Signalled = {}): Promise<ContainerStats> {
    try {
      // One sample with stream: false takes about a second: the engine waits for a second
      // reading so the CPU share has a window. stats() takes a signal at run time; the typings omit it.
      const options = { stream: false, abortSignal: signal } as { stream: false };
      return statsOf(await this.docker.getContainer(handle.id).stats(options));
    } catch (err) {
      throw this.fail(err, 'reading stats', handle.name);
    }
  }

  async inspect(handle: ContainerHandle, { signal }: Signalled = {}): Promise<ContainerState> {
    try {
      return containerStateOf(await this.docker.getContainer(handle.id).inspect({ abortSignal: signal }));
    } catch (err) {
      throw this.fail(err, 'inspecting', handle.name);
    }
  }

  async stop(handle: ContainerHandle, { signal, graceSeconds = DEFAULT_STOP_GRACE_SECONDS }: StopOptions = {}): Promise<void> {
    try {
      await this.docker.getContainer(handle.id).stop({ t: graceSeconds, abortSignal: signal });
    } catch (err) {
      if (engineStatus(err) !== 304) throw this.fail(err, 'stopping', handle.name); // 304: already stopped
    }
  }

  async remove(handle: ContainerHandle, { signal }: Signalled = {}): Promise<void> {
    try {
      await this.docker.getContainer(handle.id).remove({ force: true, v: true, abortSignal: signal });
      this.logger.info({ lease: handle.leaseId, id: handle.id }, 'container removed');
    } catch (err) {
      // Gone already, or a removal is in progress: either way it is going away.
      const status = engineStatus(err);
      const removing = status === 409 && /already in progress/i.test(String((err as Error).message));
      if (status !== 404 && !removing) throw this.fail(err, 'removing', handle.name);
    }
  }

  async listByLabel(labels: Record<string, string>, { signal }: Signalled = {}): Promise<ListedContainer[]> {
    try {
      const found = await this.docker.listContainers({ all: true, filters: { label: labelFilter(labels) }, abortSignal: signal });
      return found.map(listedContainerOf);
    } catch (err) {
      throw this.fail(err, 'listing containers');
    }
  }

  private async requireLocalImage(image: string, signal: AbortSignal | undefined): Promise<void> {
    // dockerode's image inspect takes no signal; it answers from the local store at once.
    throwIfAborted('creating a container', signal);
    try {
      await this.docker.getImage(image).inspect();
    } catch (err) {
      if (engineStatus(err) === 404) throw new ImageMissingError(image);
      throw err;
    }
  }

  private async createContainer(spec: ContainerSpec, signal: AbortSignal | undefined): Promise<Docker.Container> {
    const settings = { networkMode: this.config.networkMode, readonlyRootfs: this.config.readonlyRootfs, storageQuota: this.storageQuota };
    try {
      return await this.docker.createContainer({ ...containerCreateOptions(spec, settings), abortSignal: signal });
    } catch (err) {
      if (!settings.storageQuota || spec.limits.diskGiB === undefined || !isStorageQuotaRefusal(err)) throw err;
      // The driver looked capable but refused (e.g. xfs without pquota): stop asking, say so once.
      this.storageQuota = false;
      this.logger.warn({ engine: this.engine, reason: String((err as Error).message) }, 'container disk limits are not enforced: the storage driver refused a size quota');
      return this.createContainer(spec, signal);
    }
  }

  private fail(err: unknown, action: string, container?: string): RuntimeError {
    return toRuntimeError(err, this.engine, action, container);
  }
}

function listedContainerOf(info: ContainerInfo): ListedContainer {
  const labels = info.Labels ?? {};
  return {
    handle: {
      id: info.Id,
      name: (info.Names[0] ?? '').replace(/^\//, ''),
      leaseId: labels[LABELS.lease] ?? '',
      renter: labels[LABELS.renter] ?? '',
    },
    status: statusOf(info.State),
  };
}
