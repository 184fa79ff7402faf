import type { ContainerCreateOptions } from 'dockerode';
import type { NetworkMode } from './config.js';
import { hardeningHostConfig } from './hardening.js';
import { containerName, leaseLabels } from './labels.js';
import { limitsHostConfig, logCapHostConfig } from './limits.js';
import type { ContainerSpec } from './runtime.js';

export interface CreateSettings {
  networkMode: NetworkMode;
  readonlyRootfs: boolean;
  /** Whether to ask the storage driver for a disk quota (see storage-quota.ts). */
  storageQuota: boolean;
}

/** The Docker create request for a lease's container: limits, hardening, labels, name, network. */
export function containerCreateOptions(spec: ContainerSpec, settings: CreateSettings): ContainerCreateOptions {
  return {
    name: containerName(spec.leaseId),
    Image: spec.image,
    ...(spec.cmd ? { Cmd: [...spec.cmd] } : {}),
    ...(spec.env ? { Env: envList(spec.env) } : {}),
    ...(spec.workdir ? { WorkingDir: spec.workdir } : {}),
    Labels: leaseLabels(spec),
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      ...limitsHostConfig(spec.limits, settings.storageQuota),
      ...hardeningHostConfig({ readonlyRootfs: settings.readonlyRootfs }),
      ...logCapHostConfig(),
      NetworkMode: settings.networkMode,
      RestartPolicy: { Name: 'no' },
    },
  };
}

export function envList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
}
