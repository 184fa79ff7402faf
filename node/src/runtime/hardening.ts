import type { HostConfig } from 'dockerode';

/**
 * The capabilities a container keeps after dropping ALL: enough for package managers and
 * ordinary services (file ownership, switching users, binding ports < 1024, signalling its
 * own processes), nothing that reaches the host (no SYS_ADMIN, NET_ADMIN, NET_RAW, MKNOD...).
 */
export const KEPT_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'] as const;

export interface HardeningOptions {
  readonlyRootfs: boolean;
}

// With a read-only root file system, programs still need somewhere to write temporary files;
// tmpfs pages count towards the container's memory limit.
const TMPFS_WHEN_READONLY = { '/tmp': 'rw,nosuid,nodev,size=64m' };

/** The HostConfig fields that confine a renter's container. */
export function hardeningHostConfig(options: HardeningOptions): HostConfig {
  return {
    Privileged: false,
    CapDrop: ['ALL'],
    CapAdd: [...KEPT_CAPABILITIES],
    SecurityOpt: ['no-new-privileges'],
    // tini as PID 1: signals reach the command (a shell as PID 1 ignores SIGTERM) and zombies are reaped.
    Init: true,
    ReadonlyRootfs: options.readonlyRootfs,
    ...(options.readonlyRootfs ? { Tmpfs: TMPFS_WHEN_READONLY } : {}),
  };
}
