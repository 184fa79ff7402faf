// The CLI's settings and local files: precedence of flags, environment and config.json, the
// wallet file (created only where the default says, 0600, never over a typo), the numbered
// host list, and the option parsers' refusals.
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import { envPair, hours, memoryMiB, solAmount } from '../src/cli/argument-parsers.js';
import { CliError } from '../src/cli/cli-error.js';
import { DEFAULT_RPC_URL, requireBootstrap, resolveCliConfig } from '../src/cli/cli-config.js';
import { hostOfArgument, saveHostList } from '../src/cli/host-list.js';
import { loadWallet } from '../src/cli/wallet-file.js';
import { rejection } from './rejection.js';

let home: string;
const BOOT_A = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWAwBgMTMd1oyVrYbEgfURPQgShcvUpvM5mjQY9XnSvJTB';
const BOOT_B = '/ip4/127.0.0.1/tcp/4002/p2p/12D3KooWAwBgMTMd1oyVrYbEgfURPQgShcvUpvM5mjQY9XnSvJTB';

test.before(async () => {
  home = await mkdtemp(join(tmpdir(), 'decloud-cli-config-'));
});

test.after(async () => {
  await rm(home, { recursive: true, force: true });
});

test('defaults without flags, environment or config file', async () => {
  const config = await resolveCliConfig({}, {}, home);
  assert.equal(config, { rpcUrl: DEFAULT_RPC_URL, bootstrap: [], walletFile: join(home, 'wallet.json'), defaultWallet: true, home });
  const error = (() => { try { requireBootstrap(config); } catch (err) { return err as CliError; } throw new Error('expected'); })();
  assert.is(error.code, 'NO_BOOTSTRAP');
  assert.match(error.message, /--bootstrap.*DECLOUD_BOOTSTRAP.*config\.json/);
});

test('flags over environment over config.json', async () => {
  await writeFile(join(home, 'config.json'), JSON.stringify({ rpcUrl: 'http://file:1', bootstrap: [BOOT_A], wallet: '/file/wallet.json' }));
  const fromFile = await resolveCliConfig({}, {}, home);
  assert.equal([fromFile.rpcUrl, fromFile.bootstrap, fromFile.walletFile, fromFile.defaultWallet], ['http://file:1', [BOOT_A], '/file/wallet.json', false]);
  const env = { DECLOUD_RPC_URL: 'http://env:2', DECLOUD_BOOTSTRAP: `${BOOT_A}, ${BOOT_B}`, DECLOUD_WALLET: '/env/wallet.json' };
  const fromEnv = await resolveCliConfig({}, env, home);
  assert.equal([fromEnv.rpcUrl, fromEnv.bootstrap, fromEnv.walletFile], ['http://env:2', [BOOT_A, BOOT_B], '/env/wallet.json']);
  const fromFlags = await resolveCliConfig({ rpcUrl: 'http://flag:3', bootstrap: BOOT_B, wallet: '/flag/wallet.json' }, env, home);
  assert.equal([fromFlags.rpcUrl, fromFlags.bootstrap, fromFlags.walletFile], ['http://flag:3', [BOOT_B], '/flag/wallet.json']);
  const emptyEnv = await resolveCliConfig({}, { DECLOUD_RPC_URL: ' ' }, home);
  assert.is(emptyEnv.rpcUrl, 'http://file:1', 'an empty variable counts as unset');
});

test('a bad config file or URL is refused with the file and the field', async () => {
  await writeFile(join(home, 'config.json'), '{ not json');
  assert.match((await rejection(resolveCliConfig({}, {}, home))).message, /config\.json is not JSON/);
  await writeFile(join(home, 'config.json'), JSON.stringify({ rpcUrl: 1 }));
  assert.match((await rejection(resolveCliConfig({}, {}, home))).message, /config\.json: rpcUrl/);
  await writeFile(join(home, 'config.json'), JSON.stringify({ rpcurl: 'http://x' }));
  assert.match((await rejection(resolveCliConfig({}, {}, home))).message, /config\.json/);
  await rm(join(home, 'config.json'));
  const url = await rejection(resolveCliConfig({ rpcUrl: 'localhost:8899' }, {}, home));
  assert.is((url as CliError).code, 'BAD_CONFIG');
});

test('the default wallet is created once, 0600; a named wallet file must exist and hold a keypair', async () => {
  const file = join(home, 'sub', 'wallet.json');
  const first = await loadWallet(file, true);
  assert.ok(first.created);
  assert.is((await stat(file)).mode & 0o777, 0o600);
  assert.is((JSON.parse(await readFile(file, 'utf8')) as number[]).length, 64);
  const second = await loadWallet(file, true);
  assert.not.ok(second.created);
  assert.ok(second.keypair.publicKey.equals(first.keypair.publicKey));

  const missing = await rejection(loadWallet(join(home, 'typo.json'), false));
  assert.is((missing as CliError).code, 'WALLET_FILE');
  assert.match(missing.message, /does not exist/);
  await writeFile(join(home, 'short.json'), JSON.stringify([1, 2, 3]));
  assert.match((await rejection(loadWallet(join(home, 'short.json'), false))).message, /64 bytes/);
  const solanaKeygen = Keypair.generate();
  await writeFile(join(home, 'keygen.json'), JSON.stringify(Array.from(solanaKeygen.secretKey)));
  assert.ok((await loadWallet(join(home, 'keygen.json'), false)).keypair.publicKey.equals(solanaKeygen.publicKey));
});

test('`decloud rent <#>` reads the last host list; peer ids pass through', async () => {
  const dir = join(home, 'hosts');
  await mkdir(dir);
  assert.is((await rejection(hostOfArgument(dir, '1')) as CliError).code, 'NO_HOST_LIST');
  await saveHostList(dir, ['peerA', 'peerB']);
  assert.is(await hostOfArgument(dir, '2'), 'peerB');
  assert.is(await hostOfArgument(dir, '12D3KooWAwBg'), '12D3KooWAwBg');
  assert.match((await rejection(hostOfArgument(dir, '3'))).message, /listed 2 hosts; there is no #3/);
  assert.match((await rejection(hostOfArgument(dir, '0'))).message, /no #0/);
});

test('option parsers accept what people type and refuse the rest', () => {
  assert.is(memoryMiB('512'), 512);
  assert.is(memoryMiB('2GiB'), 2048);
  assert.is(memoryMiB('1.5g'), 1536);
  assert.is(hours('0.5'), 0.5);
  assert.is(solAmount('0.25'), 250_000_000n);
  assert.equal(envPair('B=x=y', { A: '1' }), { A: '1', B: 'x=y' });
  for (const [parse, bad] of [[memoryMiB, '2TB'], [memoryMiB, '0'], [hours, '0'], [hours, '-1'], [solAmount, '0'], [envPair, '=x'], [envPair, '1A=x']] as const) {
    assert.throws(() => (parse as (text: string) => unknown)(bad), /expected/, `${bad} is refused`);
  }
});

test.run();
