// The Docker runtime on the real engine: lifecycle, exec, TTY sessions, logs, stats, listing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DockerRuntime } from '../src/runtime/index.js';
import type { ContainerHandle, LogChunk } from '../src/runtime/index.js';
import { connectTestRuntime, removeStaleTestContainers, removeRenterContainers, specFor, startContainer, testRenter, waitUntilStopped } from './runtime-fixtures.js';

const renter = testRenter('lifecycle');
let runtime: DockerRuntime;
let shared: ContainerHandle;

test.before(async () => {
  runtime = await connectTestRuntime();
  await removeStaleTestContainers(runtime, 'lifecycle');
  shared = await startContainer(runtime, specFor(renter));
});

test.after(async () => {
  await removeRenterContainers(runtime, renter);
});

test('create names and labels the container for its lease; inspect reports it running', async () => {
  assert.is(shared.name, `decloud-${shared.leaseId}`);
  assert.is(shared.renter, renter);
  const state = await runtime.inspect(shared);
  assert.is(state.status, 'running');
  assert.is(state.running, true);
  assert.is(state.exitCode, null);
  assert.is(state.oomKilled, false);
  assert.ok(state.startedAt && state.startedAt.getTime() > Date.now() - 60_000);
});

test('exec: exit code, stdout and stderr apart, env', async () => {
  const result = await runtime.exec(shared, ['sh', '-c', 'echo "out $GREETING"; echo err >&2; exit 3'], { env: { GREETING: 'hello' } });
  assert.equal(result, { exitCode: 3, stdout: 'out hello\n', stderr: 'err\n', truncated: false });
  assert.is((await runtime.exec(shared, ['true'])).exitCode, 0);
  assert.is((await runtime.exec(shared, ['sh', '-c', 'kill -9 $$'])).exitCode, 137);
});

test('exec: stdin reaches the command and is closed after it', async () => {
  const result = await runtime.exec(shared, ['sh', '-c', 'wc -c; cat'], { stdin: 'twelve bytes' });
  assert.is(result.exitCode, 0);
  assert.is(result.stdout.trim(), '12');
});

test('exec: output beyond the cap is dropped and flagged', async () => {
  const result = await runtime.exec(shared, ['sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" x; echo done >&2'], { maxOutputBytes: 1000 });
  assert.is(result.exitCode, 0);
  assert.is(result.stdout.length, 1000);
  assert.is(result.stderr, 'done\n');
  assert.is(result.truncated, true);
});

test('exec: a command that does not exist gives exit code 127, not a throw', async () => {
  const result = await runtime.exec(shared, ['sh', '-c', 'no-such-command']);
  assert.is(result.exitCode, 127);
  assert.match(result.stderr, /not found/);
});

test('interactive TTY session: typed input is echoed, resize changes stty size, exit code reported', async () => {
  const session = await runtime.exec(shared, ['sh'], { tty: true, size: { cols: 100, rows: 30 } });
  let screen = '';
  session.onData((chunk) => { screen += Buffer.from(chunk).toString('utf8'); });
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 100 && !pattern.test(screen); i++) await sleep(50);
    assert.match(screen, pattern);
  };
  session.write('echo hi-$((40+2))\n');
  await waitFor(/hi-42/);
  session.write('stty size\n');
  await waitFor(/30 100/);
  await session.resize({ cols: 132, rows: 43 });
  session.write('stty size\n');
  await waitFor(/43 132/);
  session.write('exit 5\n');
  assert.equal(await session.exit, { exitCode: 5 });
});

/** The commands running in `handle`'s container, as `ps` prints them. */
async function processes(handle: ContainerHandle): Promise<string> {
  return (await runtime.exec(handle, ['ps', '-o', 'args'])).stdout;
}

async function gone(handle: ContainerHandle, command: string): Promise<boolean> {
  for (let i = 0; i < 60; i++) {
    if (!(await processes(handle)).includes(command)) return true;
    await sleep(100);
  }
  return false;
}

test('interactive session: hanging up ends a command that ignores its input, with SIGHUP, or SIGKILL when it ignores that too', async () => {
  const plain = await runtime.exec(shared, ['sleep', '987'], { tty: true });
  assert.match(await processes(shared), /sleep 987/);
  plain.close();
  assert.equal(await plain.exit, { exitCode: 129 }, 'ended by the hang-up');
  assert.ok(await gone(shared, 'sleep 987'));

  const stubborn = await runtime.exec(shared, ['sh', '-c', 'trap "" HUP; sleep 986; echo survived'], { tty: true });
  await sleep(200);
  stubborn.close();
  assert.equal(await stubborn.exit, { exitCode: 137 }, 'killed after the grace period');
  assert.ok(await gone(shared, 'sleep 986'), 'its child went with its process group');
});

test('exec: a caller that gives up ends the command, not only its own wait', async () => {
  let error: unknown;
  try {
    await runtime.exec(shared, ['sleep', '985'], { signal: AbortSignal.timeout(500) });
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof Error, 'the exec was aborted');
  assert.ok(await gone(shared, 'sleep 985'), 'the command does not run on in the container');
});

test('interactive session: a bad terminal size is refused', async () => {
  const session = await runtime.exec(shared, ['sh'], { tty: true });
  try {
    await session.resize({ cols: 0, rows: 24 });
    assert.unreachable('should refuse');
  } catch (err) {
    assert.match((err as Error).message, /BAD_SPEC.*terminal size/);
  } finally {
    session.close();
  }
  const exit = await session.exit;
  assert.ok(exit.exitCode === null || typeof exit.exitCode === 'number');
});

test('logs: existing output with its stream, in the order written; follow receives lines written later', async () => {
  const handle = await startContainer(runtime, specFor(renter, { cmd: ['sh', '-c', 'echo first; sleep 0.2; echo second >&2; while :; do sleep 0.1; if [ -f /tmp/next ]; then cat /tmp/next; rm /tmp/next; fi; done'] }));
  const existing: LogChunk[] = [];
  for (let i = 0; i < 50 && existing.length < 2; i++) {
    existing.length = 0;
    for await (const chunk of runtime.logs(handle)) existing.push(chunk);
    if (existing.length < 2) await sleep(50);
  }
  assert.equal(existing, [{ stream: 'stdout', text: 'first\n' }, { stream: 'stderr', text: 'second\n' }]);

  const controller = new AbortController();
  const followed: string[] = [];
  const following = (async () => {
    for await (const chunk of runtime.logs(handle, { follow: true, since: new Date(), signal: controller.signal })) {
      followed.push(chunk.text);
      if (followed.includes('later-2\n')) controller.abort();
    }
  })();
  await runtime.exec(handle, ['sh', '-c', 'printf "later-1\\nlater-2\\n" > /tmp/next.tmp && mv /tmp/next.tmp /tmp/next']);
  await Promise.race([following, sleep(10_000).then(() => controller.abort())]);
  await following;
  assert.ok(!followed.includes('first\n'), 'since excludes earlier output');
  assert.equal(followed.join('').split('\n').filter(Boolean), ['later-1', 'later-2']);
});

test('stats: usage figures are sane for a small busy container', async () => {
  const handle = await startContainer(runtime, specFor(renter, { cmd: ['sh', '-c', 'while :; do :; done'], limits: { cpus: 0.5, memoryMiB: 48, pids: 20 } }));
  await sleep(500);
  const stats = await runtime.stats(handle);
  assert.is(stats.memoryLimit, 48 * 1024 * 1024);
  assert.ok(stats.memoryBytes > 0 && stats.memoryBytes < stats.memoryLimit, `memory ${stats.memoryBytes}`);
  assert.ok(stats.pids >= 2 && stats.pids <= 20, `pids ${stats.pids}`); // tini + sh
  // Limited to half a core: between a little and 50 % (plus sampling jitter).
  assert.ok(stats.cpuPercent > 10 && stats.cpuPercent < 65, `cpu ${stats.cpuPercent} %`);
  assert.is(stats.netRx, 0); // network mode none
  assert.is(stats.netTx, 0);
});

test('stop ends the container (SIGTERM reaches the command through init); remove deletes it; both are idempotent', async () => {
  const handle = await startContainer(runtime, specFor(renter));
  await runtime.stop(handle, { graceSeconds: 5 });
  const state = await waitUntilStopped(runtime, handle);
  assert.is(state.status, 'exited');
  assert.is(state.exitCode, 143); // 128 + SIGTERM: stopped in the grace period, not killed
  assert.ok(state.finishedAt);
  await runtime.stop(handle);
  await runtime.remove(handle);
  await runtime.remove(handle);
  assert.equal(await runtime.listByLabel({ 'decloud.lease': handle.leaseId }), []);
  try {
    await runtime.inspect(handle);
    assert.unreachable('inspect of a removed container should fail');
  } catch (err) {
    assert.is((err as { code?: string }).code, 'CONTAINER_NOT_FOUND');
  }
});

test('listByLabel finds exactly the lease\'s container, and the renter\'s containers', async () => {
  const a = await runtime.create(specFor(renter));
  const b = await runtime.create(specFor(renter));
  const byLease = await runtime.listByLabel({ 'decloud.lease': a.leaseId });
  assert.equal(byLease, [{ handle: a, status: 'created' }]);
  const byRenter = (await runtime.listByLabel({ 'decloud.renter': renter })).map((c) => c.handle.id);
  assert.ok(byRenter.includes(a.id) && byRenter.includes(b.id) && byRenter.includes(shared.id));
  assert.equal(await runtime.listByLabel({ 'decloud.lease': `${renter}-nobody` }), []);
});

test('a second container for the same lease is refused with CONTAINER_EXISTS', async () => {
  const spec = specFor(renter);
  await runtime.create(spec);
  try {
    await runtime.create(spec);
    assert.unreachable('should refuse');
  } catch (err) {
    assert.is((err as { code?: string }).code, 'CONTAINER_EXISTS');
  }
  assert.is((await runtime.listByLabel({ 'decloud.lease': spec.leaseId })).length, 1);
});

test('exec in a stopped container is CONTAINER_NOT_RUNNING', async () => {
  const handle = await runtime.create(specFor(renter));
  try {
    await runtime.exec(handle, ['true']);
    assert.unreachable('should refuse');
  } catch (err) {
    assert.is((err as { code?: string }).code, 'CONTAINER_NOT_RUNNING', (err as Error).message);
  }
});

test.run();
