import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, Transaction, TransactionInstruction, sendAndConfirmTransaction } from '@solana/web3.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startLocalChain } from '../src/chain/index.js';
import { memoProgramElf } from './chain-fixtures.js';

/** startLocalChain in-process: the onStart hook, first start vs restart, reloading a program, start failures that leave nothing behind. */
let workDir: string;

test.before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'decloud-chain-lifecycle-'));
});

test.after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function airdrop(rpcUrl: string, to: PublicKey, sol: number): Promise<void> {
  const connection = new Connection(rpcUrl, 'confirmed');
  const signature = await connection.requestAirdrop(to, sol * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
}

test('onStart runs once the RPC answers, knows whether this is the first start, and its changes persist', async () => {
  const stateDir = join(workDir, 'hooked');
  const marker = Keypair.generate().publicKey;
  const starts: boolean[] = [];
  const onStart = async (chain: { rpcUrl: string; firstStart: boolean }) => {
    starts.push(chain.firstStart);
    if (chain.firstStart) await airdrop(chain.rpcUrl, marker, 5);
  };
  const first = await startLocalChain({ port: 0, stateDir, onStart });
  await first.close();
  const second = await startLocalChain({ port: 0, stateDir, onStart });
  assert.equal(starts, [true, false]);
  assert.is(await new Connection(second.rpcUrl).getBalance(marker), 5 * LAMPORTS_PER_SOL);
  await second.close();
});

test('a program given again at restart replaces the stored one', async () => {
  const stateDir = join(workDir, 'upgrade');
  const programId = Keypair.generate().publicKey;
  const elf = await memoProgramElf();
  const payer = Keypair.generate();
  const memo = (rpcUrl: string, text: string) =>
    sendAndConfirmTransaction(new Connection(rpcUrl, 'confirmed'), new Transaction().add(new TransactionInstruction({ programId, keys: [], data: Buffer.from(text) })), [payer]);

  const first = await startLocalChain({ port: 0, stateDir, programs: [{ programId, elf }] });
  await airdrop(first.rpcUrl, payer.publicKey, 2);
  await memo(first.rpcUrl, 'one');
  await first.close();
  const second = await startLocalChain({ port: 0, stateDir, programs: [{ programId: programId.toBase58(), elf }] });
  const signature = await memo(second.rpcUrl, 'two');
  const logs = (await new Connection(second.rpcUrl).getTransaction(signature, { maxSupportedTransactionVersion: 0 }))?.meta?.logMessages ?? [];
  assert.ok(logs.includes('Program log: Memo (len 3): "two"'), JSON.stringify(logs));
  await second.close();
});

test('a failing onStart or a bad program stops the chain and frees its port', async () => {
  const failing = startLocalChain({
    port: 0,
    onStart: async () => {
      throw new Error('config initialization failed');
    },
  });
  await failing.then(
    () => assert.unreachable('startLocalChain should reject'),
    (err: Error) => assert.is(err.message, 'config initialization failed'),
  );
  await startLocalChain({ port: 0, programs: [{ programId: Keypair.generate().publicKey, elf: new Uint8Array(64) }] }).then(
    () => assert.unreachable('startLocalChain should reject'),
    (err: Error) => assert.match(err.message, 'CHAIN_PROGRAM_INVALID'),
  );
  const chain = await startLocalChain({ port: 0 });
  const port = Number(new URL(chain.rpcUrl).port);
  await chain.close();
  const again = await startLocalChain({ port });
  assert.is(again.rpcUrl, chain.rpcUrl);
  await again.close();
});

test.run();
