/**
 * The `decloud-bootstrap` bin as a process: identity and WebRTC certificate persist across
 * restarts (same peer id, same certhash), SIGINT stops it cleanly, and bad input is refused
 * with a message that names the problem.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnBin } from './fixtures/json-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bootstrap/bin/decloud-bootstrap.js');
const freePorts = ['--tcp-port', '0', '--ws-port', '0', '--webrtc-port', '0'];
let stateDir: string;

test.before(async () => { stateDir = await mkdtemp(join(tmpdir(), 'decloud-bootstrap-daemon-')); });
test.after(async () => { await rm(stateDir, { recursive: true, force: true }); });

async function runOnce(args: string[]): Promise<{ peerId: string; multiaddrs: string[]; code: number | null }> {
  const daemon = spawnBin('bootstrap', bin, ['--state', stateDir, ...freePorts, '--json', ...args], root);
  const started = await daemon.next((e) => Array.isArray(e.multiaddrs)) as { peerId: string; multiaddrs: string[] };
  return { ...started, code: await daemon.stop('SIGINT') };
}

const certhash = (multiaddrs: string[]): string | undefined => multiaddrs.map((a) => /\/certhash\/([\w-]+)/.exec(a)?.[1]).find(Boolean);

test('a restart with the same --state keeps the peer id and the WebRTC certhash, and SIGINT exits 0', async () => {
  const first = await runOnce([]);
  const second = await runOnce([]);
  assert.is(first.code, 0);
  assert.is(second.code, 0);
  assert.is(second.peerId, first.peerId);
  assert.ok(certhash(first.multiaddrs) !== undefined);
  assert.is(certhash(second.multiaddrs), certhash(first.multiaddrs));
});

test('--announce replaces the advertised addresses', async () => {
  const announced = '/dns4/boot.example.org/tcp/4001';
  const { peerId, multiaddrs } = await runOnce(['--announce', announced]);
  assert.equal(multiaddrs, [`${announced}/p2p/${peerId}`]);
});

for (const [args, message] of [
  [['--tcp-port', '70000'], 'expected a port from 0 to 65535'],
  [['--listen', 'localhost'], 'is not an IPv4 or IPv6 address'],
  [['--bootstrap', 'not-a-multiaddr'], 'expected a multiaddr'],
  [['--max-reservations', '0'], 'expected a whole number of at least 1'],
] as const) {
  test(`refuses ${args.join(' ')} with "${message}"`, async () => {
    const daemon = spawnBin('bootstrap', bin, ['--state', stateDir, ...freePorts, ...args], root);
    assert.is.not(await daemon.exited(), 0);
    assert.ok(daemon.stderr().includes(message), daemon.stderr());
  });
}

test('a corrupt identity file is refused with the fix, and left untouched', async () => {
  const corruptState = await mkdtemp(join(tmpdir(), 'decloud-bootstrap-corrupt-'));
  const identity = join(corruptState, 'identity.key');
  await writeFile(identity, 'not a key');
  const daemon = spawnBin('bootstrap', bin, ['--state', corruptState, ...freePorts], root);
  assert.is(await daemon.exited(), 1);
  assert.match(daemon.stderr(), /identity\.key is not a libp2p private key .* move it away to generate a new identity/);
  assert.is(await readFile(identity, 'utf8'), 'not a key');
  await rm(corruptState, { recursive: true, force: true });
});

test.run();
