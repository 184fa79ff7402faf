/**
 * The local chain deploys programs through the upgradeable loader with a named upgrade
 * authority (the DeCloud program's initialize must be signed by it): the ProgramData header
 * names the key given, a restart keeps it, and initializeDecloud names the chain's DeCloud
 * authority on a chain started without one and initializes the config with it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, Keypair, PublicKey } from '@solana/web3.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DecloudChain, PROGRAM_ID } from '@decloud/sdk/chain/index';
import { startLocalChain } from '../src/chain/index.js';
import { decloudAuthority, decloudProgram, defaultGenesis, initializeDecloud } from '../src/chain/decloud-genesis.js';
import { memoProgramElf } from './chain-fixtures.js';

const UPGRADEABLE_LOADER = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');
const programDataAddress = (programId: PublicKey) => PublicKey.findProgramAddressSync([programId.toBytes()], UPGRADEABLE_LOADER)[0];

let workDir: string;

test.before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'decloud-chain-authority-'));
});

test.after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** The ProgramData account over RPC: its owner, tag, and the authority it names (null: none). */
async function programData(rpcUrl: string, programId: PublicKey): Promise<{ owner: string; tag: number; authority: string | null }> {
  const info = await new Connection(rpcUrl, 'confirmed').getAccountInfo(programDataAddress(programId));
  assert.ok(info, 'the ProgramData account exists');
  const data = Buffer.from(info.data);
  return { owner: info.owner.toBase58(), tag: data.readUInt32LE(0), authority: data[12] === 1 ? new PublicKey(data.subarray(13, 45)).toBase58() : null };
}

test('a program loaded with an upgrade authority names it in its ProgramData, across a restart; without one it names none', async () => {
  const stateDir = join(workDir, 'named');
  const [named, plain] = [Keypair.generate().publicKey, Keypair.generate().publicKey];
  const authority = Keypair.generate().publicKey;
  const elf = await memoProgramElf();
  const first = await startLocalChain({ port: 0, stateDir, programs: [{ programId: named, elf, upgradeAuthority: authority }, { programId: plain, elf }] });
  assert.equal(await programData(first.rpcUrl, named), { owner: UPGRADEABLE_LOADER.toBase58(), tag: 3, authority: authority.toBase58() });
  assert.equal((await programData(first.rpcUrl, plain)).authority, null);
  assert.ok(first.ledger.upgradeAuthority(named)?.equals(authority));
  await first.close();
  // Restarted without giving the programs again: the stored ones come back with their authority.
  const second = await startLocalChain({ port: 0, stateDir });
  assert.is((await programData(second.rpcUrl, named)).authority, authority.toBase58());
  assert.is((await programData(second.rpcUrl, plain)).authority, null);
  const account = await new Connection(second.rpcUrl).getAccountInfo(named);
  assert.ok(account?.executable, 'the program is still deployed');
  await second.close();
});

test('an upgrade authority that is not a public key is refused at start', async () => {
  const elf = await memoProgramElf();
  await startLocalChain({ port: 0, programs: [{ programId: Keypair.generate().publicKey, elf, upgradeAuthority: 'not-a-key' }] }).then(
    () => assert.unreachable('the chain must not start'),
    (err: Error) => assert.match(err.message, 'upgrade authority not-a-key'),
  );
});

test('initializeDecloud names the chain authority (authority.json) as upgrade authority and initializes the config with it', async () => {
  const stateDir = join(workDir, 'decloud');
  const chain = await startLocalChain({ port: 0, stateDir, programs: [decloudProgram()] });
  try {
    assert.is((await programData(chain.rpcUrl, PROGRAM_ID)).authority, null, 'litesvm deploys with no authority');
    const witness = Keypair.generate().publicKey;
    const authority = await initializeDecloud(chain, { ...defaultGenesis, witnesses: [witness], rewardFund: 0n }, stateDir);
    assert.ok(existsSync(join(stateDir, 'authority.json')));
    assert.ok(authority.equals((await decloudAuthority(stateDir)).publicKey), 'the key kept beside the ledger');
    assert.is((await programData(chain.rpcUrl, PROGRAM_ID)).authority, authority.toBase58());
    const config = await DecloudChain.fromKeypair(new Connection(chain.rpcUrl, 'confirmed'), Keypair.generate()).fetchConfig();
    assert.ok(config.authority.equals(authority), 'the config authority is the upgrade authority');
    assert.ok(config.witnesses[0]?.equals(witness));
  } finally {
    await chain.close();
  }
});

test.run();
