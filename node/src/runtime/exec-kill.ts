/**
 * Ending an exec its caller let go of (a renter hung up a shell, or gave up on a command).
 * Docker has no call to kill an exec: closing the connection only detaches, and a command
 * that ignores its input (`sleep`, a full-screen program in raw mode) would run on until
 * the container stops. The engine reports the exec's pid as its own machine sees it; there
 * /proc gives the pid inside the container, and a `kill` run in the container sends it a
 * hang-up, then SIGKILL, to its whole process group when it leads one (a terminal's shell
 * does). With a remote engine /proc is not the engine's: the cgroup check fails and the
 * exec is left alone.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container, Exec } from 'dockerode';

/** How long a hung-up command has to end before SIGKILL. */
export const HANGUP_GRACE_MS = 1000;
const POLL_MS = 50;

/** Ends `exec` if it still runs; false when it could not be reached (remote engine, no `kill` in the image). */
export async function killExec(container: Container, exec: Exec): Promise<boolean> {
  const target = await processInContainer(exec, container.id);
  if (target === undefined) return false;
  for (const signal of ['HUP', 'KILL'] as const) {
    try {
      const kill = await container.exec({ Cmd: ['kill', '-s', signal, target], AttachStdout: false, AttachStderr: false });
      // Detached, the answer is an empty stream: drain it so its connection closes.
      const answer = (await kill.start({ Detach: true })) as NodeJS.ReadableStream | undefined;
      answer?.resume();
    } catch {
      return false;
    }
    if (await ended(exec, HANGUP_GRACE_MS)) return true;
  }
  return false;
}

/** The exec's process as `kill` inside the container names it: `-<pgid>` for a group leader, else `<pid>`. */
async function processInContainer(exec: Exec, containerId: string): Promise<string | undefined> {
  const info = await exec.inspect();
  if (!info.Running || !info.Pid) return undefined;
  let status: string;
  try {
    const cgroup = await readFile(`/proc/${info.Pid}/cgroup`, 'utf8');
    // The same pid on another machine, or a pid reused since: not ours to signal.
    if (!cgroup.includes(containerId)) return undefined;
    status = await readFile(`/proc/${info.Pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const pid = innermost(status, 'NSpid');
  const pgid = innermost(status, 'NSpgid');
  if (pid === undefined) return undefined;
  return pgid === pid ? `-${pid}` : pid;
}

/** The last (innermost namespace) number of a /proc status line such as `NSpid:\t4242\t8`. */
function innermost(status: string, field: string): string | undefined {
  const line = new RegExp(`^${field}:\\s*([\\d\\s]+)$`, 'm').exec(status)?.[1];
  const id = line?.trim().split(/\s+/).at(-1);
  return id === undefined || id === '' || id === '0' ? undefined : id;
}

async function ended(exec: Exec, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!(await exec.inspect()).Running) return true;
    await sleep(POLL_MS);
  }
  return false;
}
