// What the Docker runtime refuses, and how it fails: every refusal is a RuntimeError that
// names the cause and the fix, and changes nothing on the engine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerRuntime, ImageMissingError, ImageNotAllowedError, RuntimeError, RuntimeUnavailableError } from '../src/runtime/index.js';
import type { ContainerSpec } from '../src/runtime/index.js';
import { connectTestRuntime, removeStaleTestContainers, IMAGE, removeRenterContainers, specFor, startContainer, testRenter } from './runtime-fixtures.js';

const renter = testRenter('refusals');
let runtime: DockerRuntime;
let proxyDir = '';

test.before(async () => {
  runtime = await connectTestRuntime();
  await removeStaleTestContainers(runtime, 'refusals');
  proxyDir = await mkdtemp(join(tmpdir(), 'decloud-engine-proxy-'));
});

test.after(async () => {
  await removeRenterContainers(runtime, renter);
  await rm(proxyDir, { recursive: true, force: true });
});

async function refusal(action: Promise<unknown>): Promise<RuntimeError> {
  try {
    await action;
  } catch (err) {
    assert.instance(err, RuntimeError, String(err));
    return err as RuntimeError;
  }
  return assert.unreachable('expected a RuntimeError') as never;
}

const mineOnEngine = async () => (await runtime.listByLabel({ 'decloud.renter': renter })).length;

test('an image not on the allow-list is refused and nothing is created', async () => {
  const before = await mineOnEngine();
  const err = await refusal(runtime.create(specFor(renter, { image: 'alpine:3.20' })));
  assert.instance(err, ImageNotAllowedError);
  assert.is(err.code, 'IMAGE_NOT_ALLOWED');
  assert.match(err.message, /alpine:3\.20.*allow-list.*decloud\/busybox:local.*allowedImages/);
  // The local image under another name is just as foreign: the list matches names exactly.
  assert.instance(await refusal(runtime.create(specFor(renter, { image: 'decloud/busybox:latest' }))), ImageNotAllowedError);
  assert.is(await mineOnEngine(), before);
});

test('an allowed image missing on the host is a clear ImageMissingError (never pulled), nothing created', async () => {
  const withMissing = await connectTestRuntime({ allowedImages: [IMAGE, 'decloud/never-built:1'] });
  const before = await mineOnEngine();
  const err = await refusal(withMissing.create(specFor(renter, { image: 'decloud/never-built:1' })));
  assert.instance(err, ImageMissingError);
  assert.match(err.message, /never pulls: load it first/);
  assert.is(await mineOnEngine(), before);
});

test('prefix entries of the allow-list admit matching local images', async () => {
  const prefixed = await connectTestRuntime({ allowedImages: ['decloud/*'] });
  const handle = await prefixed.create(specFor(renter));
  assert.is((await prefixed.inspect(handle)).status, 'created');
});

test('bad specs are refused before anything reaches the engine', async () => {
  const before = await mineOnEngine();
  const bad: Array<[string, Partial<ContainerSpec>, RegExp]> = [
    ['lease id with a slash', { leaseId: '../x' }, /leaseId/],
    ['empty renter', { renter: '' }, /renter/],
    ['image with a path escape', { image: 'decloud/../../containers/json' }, /image reference/],
    ['zero cpus', { limits: { cpus: 0, memoryMiB: 64, pids: 8 } }, /cpus/],
    ['tiny memory', { limits: { cpus: 1, memoryMiB: 2, pids: 8 } }, /memoryMiB/],
    ['fractional pids', { limits: { cpus: 1, memoryMiB: 64, pids: 1.5 } }, /pids/],
    ['env name with =', { env: { 'A=B': 'x' } }, /env/],
    ['empty command', { cmd: [] }, /cmd/],
    ['relative workdir', { workdir: 'tmp' }, /workdir/],
  ];
  for (const [name, override, message] of bad) {
    const err = await refusal(runtime.create(specFor(renter, override)));
    assert.is(err.code, 'BAD_SPEC', name);
    assert.match(err.message, message, name);
  }
  assert.is(await mineOnEngine(), before);
});

test('a bad runtime config is refused', async () => {
  assert.is((await refusal(connectTestRuntime({ networkMode: 'bridge' as 'host' }))).code, 'BAD_CONFIG');
  assert.is((await refusal(connectTestRuntime({ allowedImages: [''] }))).code, 'BAD_CONFIG');
  assert.is((await refusal(connectTestRuntime({ dockerHost: 'ftp://x' }))).code, 'BAD_CONFIG');
});

test('an unreachable engine is RuntimeUnavailableError naming the fix (explicit host and $DOCKER_HOST)', async () => {
  const err = await refusal(connectTestRuntime({ dockerHost: 'unix:///nonexistent.sock' }));
  assert.instance(err, RuntimeUnavailableError);
  assert.match(err.message, /unix:\/\/\/nonexistent\.sock.*ENOENT.*scripts\/docker-engine\.sh start or set DOCKER_HOST/);

  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = 'unix:///nonexistent.sock';
  try {
    assert.instance(await refusal(DockerRuntime.connect({ allowedImages: [IMAGE] })), RuntimeUnavailableError);
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
  assert.instance(await refusal(connectTestRuntime({ dockerHost: 'tcp://127.0.0.1:1' })), RuntimeUnavailableError);
});

/** A unix-socket relay to the real engine that can be cut, as if the engine went away. */
async function engineRelay(): Promise<{ host: string; cut: () => Promise<void> }> {
  const target = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace('unix://', '');
  const path = join(proxyDir, 'relay.sock');
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const cut = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return { host: `unix://${path}`, cut };
}

test('an engine that goes away mid-use gives RuntimeUnavailableError on every call, and the process lives on', async () => {
  const relay = await engineRelay();
  const relayed = await connectTestRuntime({ dockerHost: relay.host });
  const handle = await startContainer(relayed, specFor(renter));
  assert.is((await relayed.exec(handle, ['echo', 'ok'])).stdout, 'ok\n');
  await relay.cut();
  const calls = [() => relayed.inspect(handle), () => relayed.exec(handle, ['true']), () => relayed.stats(handle), () => relayed.listByLabel({}), () => relayed.remove(handle)];
  for (const call of calls) {
    const err = await refusal(call());
    assert.instance(err, RuntimeUnavailableError);
    assert.match(err.message, /scripts\/docker-engine\.sh start/);
  }
  // The container is still there on the real engine; the after hook removes it.
  assert.is((await runtime.inspect(handle)).running, true);
});

test('every long call honours its AbortSignal', async () => {
  const handle = await startContainer(runtime, specFor(renter));
  const aborted = AbortSignal.abort();
  const before = await mineOnEngine();
  assert.is((await refusal(runtime.create(specFor(renter), { signal: aborted }))).code, 'ABORTED');
  assert.is(await mineOnEngine(), before);
  assert.is((await refusal(runtime.inspect(handle, { signal: aborted }))).code, 'ABORTED');
  assert.is((await refusal(runtime.stats(handle, { signal: aborted }))).code, 'ABORTED');

  const started = Date.now();
  const err = await refusal(runtime.exec(handle, ['sleep', '30'], { signal: AbortSignal.timeout(300) }));
  assert.is(err.code, 'ABORTED');
  assert.ok(Date.now() - started < 5000, `exec abort took ${Date.now() - started} ms`);

  const session = await runtime.exec(handle, ['sh'], { tty: true, signal: AbortSignal.timeout(300) });
  const exit = await session.exit;
  assert.ok(exit.exitCode === null || typeof exit.exitCode === 'number');
});

test('a handle whose container is gone is CONTAINER_NOT_FOUND', async () => {
  const handle = { id: 'f'.repeat(64), name: 'decloud-gone', leaseId: 'gone', renter };
  for (const call of [() => runtime.inspect(handle), () => runtime.start(handle), () => runtime.stats(handle), () => runtime.exec(handle, ['true'])]) {
    const err = await refusal(call());
    assert.is(err.code, 'CONTAINER_NOT_FOUND', err.message);
  }
  await runtime.remove(handle); // removing what is gone is not an error
});

test.run();
