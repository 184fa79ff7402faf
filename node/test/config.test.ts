// The node config: defaults, validation errors that name the field, the value and where it
// came from, environment overrides, the data folder, writing it, and the operator key file.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Keypair } from '@solana/web3.js';
import {
  ConfigError, DEFAULT_IMAGES, DEFAULT_PRICES, createOperatorKey, loadConfig, parseConfig, readOperatorKey, resolveDataDir, writeConfig,
} from '../src/config/index.js';
import { tempDir } from './support/chain-world.js';

const BOOT = '/ip4/10.0.0.1/tcp/4001/p2p/12D3KooWAyR2VRqy1e7eSKnbYH42g5fvTEe7S4BoyroTisYxrhQw';
const FILE = { file: '/data/config.json' };
const U64_MAX = 0xffff_ffff_ffff_ffffn;

let dir: Awaited<ReturnType<typeof tempDir>>;
test.before(async () => { dir = await tempDir('config'); });
test.after(async () => { await dir?.remove(); });

function refusal(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    assert.instance(err, ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

async function refusalOf(run: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await run();
  } catch (err) {
    assert.instance(err, ConfigError, String(err));
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

test('a config with only the country gets every default', () => {
  const config = parseConfig({ region: { country: 'DE' } }, FILE);
  assert.is(config.rpcUrl, 'http://127.0.0.1:8899');
  assert.equal(config.allowedImages, DEFAULT_IMAGES);
  assert.equal(config.allowedImages, ['decloud/busybox:local']);
  assert.equal(config.prices, DEFAULT_PRICES);
  assert.is(config.stakeLamports, 1_000_000_000n);
  assert.equal(config.reserve, { cpuCores: 0, memoryMiB: 512, diskGiB: 5 });
  assert.is(config.networkMode, 'none');
  assert.equal(config.metrics, { host: '127.0.0.1', port: 9464 });
  assert.is(config.intervals.offerRepublishMs, 60_000);
  assert.is(config.region.label, '');
});

for (const [raw, field, expected] of [
  [{ rpcUrl: 'ftp://x' }, 'rpcUrl', 'must be an http(s) URL'],
  [{ bootstrap: ['/ip4/1.2.3.4/tcp/1'] }, 'bootstrap.0', 'must end in /p2p/<peer id>'],
  [{ listen: ['0.0.0.0:4011'] }, 'listen.0', 'must be a multiaddr'],
  [{ stakeLamports: '-1' }, 'stakeLamports', 'must be a whole number of lamports'],
  [{ stakeLamports: (U64_MAX + 1n).toString() }, 'stakeLamports', 'must fit in a u64'],
  [{ prices: { cpuCore: 'cheap' } }, 'prices.cpuCore', 'must be a whole number of lamports'],
  [{ allowedImages: [] }, 'allowedImages', 'needs at least one image'],
  [{ allowedImages: ['de*cloud'] }, 'allowedImages.0', 'a prefix ending in *'],
  [{ limits: { minLeaseSecs: 600, maxLeaseSecs: 60 } }, 'limits.maxLeaseSecs', 'maxLeaseSecs must be at least minLeaseSecs'],
  [{ intervals: { offerRepublishMs: 60_000, offerTtlMs: 30_000 } }, 'intervals.offerTtlMs', 'must be longer than offerRepublishMs'],
  [{ metrics: { port: 70_000 } }, 'metrics.port', 'got 70000'],
  [{ metrics: { host: 'localhost' } }, 'metrics.host', 'must be an IP address'],
  [{ networkMode: 'bridge' }, 'networkMode', 'got "bridge"'],
  [{ owner: 'not-a-key' }, 'owner', 'must be a base58 Solana public key'],
  [{ dockerHost: '/var/run/docker.sock' }, 'dockerHost', 'must look like unix:///var/run/docker.sock'],
  [{ region: { country: 'uk' } }, 'region.country', 'ISO 3166-1 alpha-2'],
  [{ rpcURL: 'http://x' }, 'the config', 'unknown field "rpcURL"'],
] as const) {
  test(`${field}: ${JSON.stringify(raw)} is refused with "${expected}"`, () => {
    const error = refusal(() => parseConfig({ region: { country: 'DE' }, ...raw }, FILE));
    assert.is(error.code, 'BAD_CONFIG');
    assert.match(error.message, `  - ${field}: `);
    assert.match(error.message, expected);
    assert.match(error.message, 'fix: edit /data/config.json');
  });
}

test('every bad field is listed at once', () => {
  const error = refusal(() => parseConfig({ region: { country: 'XX' }, rpcUrl: 'nope', metrics: { port: -1 } }, FILE));
  assert.is(error.message.split('\n  - ').length - 1, 3);
});

test('lamports round-trip exactly as digit strings over the whole u64 range (property)', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), (amount) => {
    const config = parseConfig({ region: { country: 'DE' }, stakeLamports: amount.toString(), prices: { gpu: amount.toString() } }, FILE);
    return config.stakeLamports === amount && config.prices.gpu === amount;
  }), { numRuns: 300 });
});

test('environment variables override the file, and a bad one is named', async () => {
  const data = join(dir.path, 'env');
  await writeConfig(data, { region: { country: 'DE' }, rpcUrl: 'http://file:8899', metrics: { port: 9000 } });
  const fileBefore = await readFile(join(data, 'config.json'), 'utf8');
  const config = await loadConfig({
    dataDir: data,
    env: {
      DECLOUD_RPC_URL: 'https://api.devnet.solana.com', DECLOUD_BOOTSTRAP: ` ${BOOT} ,${BOOT.replace('10.0.0.1', '10.0.0.2')},`, DECLOUD_METRICS_PORT: '0',
      DOCKER_HOST: 'unix:///run/other.sock', DECLOUD_ALLOWED_IMAGES: 'a/b:1,c/*', DECLOUD_WEBRTC: 'false', DECLOUD_LISTEN: '',
    },
  });
  assert.is(config.rpcUrl, 'https://api.devnet.solana.com');
  assert.equal(config.bootstrap, [BOOT, BOOT.replace('10.0.0.1', '10.0.0.2')]);
  assert.is(config.metrics.port, 0);
  assert.is(config.dockerHost, 'unix:///run/other.sock');
  assert.equal(config.allowedImages, ['a/b:1', 'c/*']);
  assert.is(config.webrtc, false);
  assert.equal(config.listen, ['/ip4/0.0.0.0/tcp/4011'], 'an empty variable changes nothing');
  assert.is(config.dataDir, data);
  assert.is(config.operatorKeyPath, join(data, 'operator-key.json'));
  assert.is(await readFile(join(data, 'config.json'), 'utf8'), fileBefore, 'the file is not changed');

  const error = await refusalOf(() => loadConfig({ dataDir: data, env: { DECLOUD_METRICS_PORT: 'ninety', DECLOUD_STAKE_LAMPORTS: '1.5' } }));
  assert.match(error.message, /metrics\.port: .*; got "ninety" \(set by DECLOUD_METRICS_PORT\)/);
  assert.match(error.message, /stakeLamports: .*; got "1\.5" \(set by DECLOUD_STAKE_LAMPORTS\)/);
});

test('the data folder: --data, else DECLOUD_DATA, else ~/.decloud-node', () => {
  assert.is(resolveDataDir('/given', { DECLOUD_DATA: '/from-env' }), '/given');
  assert.is(resolveDataDir(undefined, { DECLOUD_DATA: '/from-env' }), '/from-env');
  assert.is(resolveDataDir(undefined, {}), join(homedir(), '.decloud-node'));
  assert.is(resolveDataDir(undefined, { DECLOUD_DATA: '  ' }), join(homedir(), '.decloud-node'));
});

test('a missing, unparsable or non-object config file is refused with the fix', async () => {
  const missing = await refusalOf(() => loadConfig({ dataDir: join(dir.path, 'nothing'), env: {} }));
  assert.is(missing.code, 'CONFIG_MISSING');
  assert.match(missing.message, 'run decloud-node init');
  const broken = join(dir.path, 'broken');
  await writeConfig(broken, { region: { country: 'DE' } });
  await writeFile(join(broken, 'config.json'), '{ "rpcUrl": ');
  const json = await refusalOf(() => loadConfig({ dataDir: broken, env: {} }));
  assert.is(json.code, 'BAD_JSON');
  assert.match(json.message, 'is not valid JSON');
  await writeFile(join(broken, 'config.json'), '[1, 2]');
  assert.match((await refusalOf(() => loadConfig({ dataDir: broken, env: {} }))).message, 'must hold a JSON object');
});

test('writeConfig writes every field, refuses to replace a config without force, and a bad one writes nothing', async () => {
  const data = join(dir.path, 'write');
  const { config } = await writeConfig(data, { region: { country: 'SE', label: 'attic' }, stakeLamports: 2_000_000_000 });
  const written = JSON.parse(await readFile(join(data, 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.is(written.stakeLamports, '2000000000');
  assert.ok('intervals' in written && 'reserve' in written && 'prices' in written, 'defaults are written out');
  assert.equal(await loadConfig({ dataDir: data, env: {} }).then(({ dataDir: _d, configFile: _c, operatorKeyPath: _k, ...rest }) => rest), config);
  assert.is((await stat(data)).mode & 0o777, 0o700);

  const exists = await refusalOf(() => writeConfig(data, { region: { country: 'NO' } }));
  assert.is(exists.code, 'CONFIG_EXISTS');
  assert.match(exists.message, 'pass --force');
  await writeConfig(data, { region: { country: 'NO' } }, { force: true });
  assert.is((await loadConfig({ dataDir: data, env: {} })).region.country, 'NO');

  const fresh = join(dir.path, 'never');
  const bad = await refusalOf(() => writeConfig(fresh, { region: { country: 'ZZ' } }));
  assert.match(bad.message, 'nothing was written');
  assert.is(await stat(fresh).then(() => 'exists', () => 'absent'), 'absent');
});

test('the operator key: created once (owner-only), kept afterwards, read back; bad files are refused', async () => {
  const file = join(dir.path, 'keys', 'operator.json');
  const first = await createOperatorKey(file);
  assert.ok(first.created);
  assert.is((await stat(file)).mode & 0o777, 0o600);
  const second = await createOperatorKey(file);
  assert.not.ok(second.created);
  assert.ok(second.keypair.publicKey.equals(first.keypair.publicKey), 'an existing key is never replaced');
  assert.ok((await readOperatorKey(file)).publicKey.equals(first.keypair.publicKey));

  const missing = await refusalOf(() => readOperatorKey(join(dir.path, 'keys', 'none.json')));
  assert.is(missing.code, 'KEY_MISSING');
  assert.match(missing.message, 'run decloud-node init');
  const notKey = join(dir.path, 'keys', 'short.json');
  await writeFile(notKey, JSON.stringify([1, 2, 3]));
  const short = await refusalOf(() => readOperatorKey(notKey));
  assert.is(short.code, 'BAD_KEY');
  assert.match(short.message, 'a JSON array of 64 numbers');
  const mismatched = join(dir.path, 'keys', 'mismatched.json');
  const bytes = Array.from(Keypair.generate().secretKey);
  bytes.splice(32, 32, ...Keypair.generate().publicKey.toBytes());
  await writeFile(mismatched, JSON.stringify(bytes));
  assert.match((await refusalOf(() => readOperatorKey(mismatched))).message, 'corrupt');
});

test.run();
