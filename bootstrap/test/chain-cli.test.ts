import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  sendAndConfirmTransaction,
} from '@solana/web3.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoProgramElf } from './chain-fixtures.js';

/** decloud-chain as a user runs it: the bin in a child process, stopped by signals, restarted on the same state. */
const bin = fileURLToPath(new URL('../bin/decloud-chain.js', import.meta.url));
const running = new Set<ChildProcess>();
let workDir: string;
let programPath: string;
const programId = Keypair.generate().publicKey;

interface Started {
  child: ChildProcess;
  rpcUrl: string;
  output: () => string;
}

function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`decloud-chain did not start in 30 s:\n${output}`)), 30_000);
    child.stdout?.on('data', () => {
      const match = /RPC:\s+(http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, rpcUrl: match[1], output: () => output });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`decloud-chain exited with code ${code} before serving:\n${output}`));
    });
  });
}

/** Runs the CLI expecting it to fail; returns its exit code and output. */
function failingCli(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => (running.delete(child), resolve({ code, output }))));
}

function stop(started: Started, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    started.child.once('exit', (code) => resolve(code));
    started.child.kill(signal);
  });
}

async function airdrop(connection: Connection, keypair: Keypair, sol: number): Promise<void> {
  const signature = await connection.requestAirdrop(keypair.publicKey, sol * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) }, 'confirmed');
}

test.before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'decloud-chain-cli-'));
  programPath = join(workDir, 'memo.so');
  await writeFile(programPath, await memoProgramElf());
});

test.after(async () => {
  for (const child of running) child.kill('SIGKILL');
  await rm(workDir, { recursive: true, force: true });
});

test('the CLI serves web3.js, loads --program, and keeps balances, programs and history across a restart', async () => {
  const stateDir = join(workDir, 'state');
  const first = await startCli(['--port', '0', '--state', stateDir, '--program', `${programId.toBase58()}=${programPath}`]);
  assert.match(first.output(), '(new, slot');
  const connection = new Connection(first.rpcUrl, 'confirmed');
  assert.is((await connection.getVersion())['solana-core'], '3.1.0');
  const payer = Keypair.generate();
  await airdrop(connection, payer, 4);
  const recipient = Keypair.generate().publicKey;
  const transfer = await sendAndConfirmTransaction(
    connection,
    new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: LAMPORTS_PER_SOL })),
    [payer],
  );
  const memo = (text: string) => new Transaction().add(new TransactionInstruction({ programId, keys: [], data: Buffer.from(text) }));
  const memoSignature = await sendAndConfirmTransaction(connection, memo('first life'), [payer]);
  const memoLogs = (await connection.getTransaction(memoSignature, { maxSupportedTransactionVersion: 0 }))?.meta?.logMessages ?? [];
  assert.ok(memoLogs.includes('Program log: Memo (len 10): "first life"'), JSON.stringify(memoLogs));
  const payerBalance = await connection.getBalance(payer.publicKey);
  const slotBefore = await connection.getSlot();
  assert.is(await stop(first, 'SIGTERM'), 0);
  const saved = JSON.parse(await readFile(join(stateDir, 'ledger.json'), 'utf8'));
  assert.is(saved.format, 'decloud-chain-ledger/1');

  // No --program this time: the program comes back from the state.
  const second = await startCli(['--port', '0', '--state', stateDir]);
  assert.match(second.output(), 'restored');
  const again = new Connection(second.rpcUrl, 'confirmed');
  assert.is(await again.getBalance(payer.publicKey), payerBalance);
  assert.is(await again.getBalance(recipient), LAMPORTS_PER_SOL);
  assert.ok((await again.getSlot()) > slotBefore);
  assert.is((await again.getSignatureStatus(transfer)).value?.confirmationStatus, 'finalized');
  const afterRestart = await sendAndConfirmTransaction(again, memo('second life'), [payer]);
  const logs = (await again.getTransaction(afterRestart, { maxSupportedTransactionVersion: 0 }))?.meta?.logMessages ?? [];
  assert.ok(logs.includes('Program log: Memo (len 11): "second life"'), JSON.stringify(logs));
  assert.is(await stop(second, 'SIGINT'), 0);

  const third = await startCli(['--port', '0', '--state', stateDir, '--reset']);
  assert.match(third.output(), '(new, slot');
  assert.is(await new Connection(third.rpcUrl, 'confirmed').getBalance(payer.publicKey), 0);
  assert.is(await stop(third, 'SIGTERM'), 0);
});

test('the CLI refuses bad options, unreadable state and busy ports with a clear message and a failing exit code', async () => {
  const badProgram = await failingCli(['--port', '0', '--program', 'nonsense']);
  assert.is.not(badProgram.code, 0);
  assert.match(badProgram.output, 'expected <program id>=<path to .so>');

  const notAnElf = join(workDir, 'not-a-program.so');
  await writeFile(notAnElf, 'hello');
  const invalidElf = await failingCli(['--port', '0', '--program', `${programId.toBase58()}=${notAnElf}`]);
  assert.is(invalidElf.code, 1);
  assert.match(invalidElf.output, 'CHAIN_PROGRAM_INVALID');

  const corruptDir = join(workDir, 'corrupt');
  await mkdir(corruptDir, { recursive: true });
  await writeFile(join(corruptDir, 'ledger.json'), '{"format":"something else"}');
  const corrupt = await failingCli(['--port', '0', '--state', corruptDir]);
  assert.is(corrupt.code, 1);
  assert.match(corrupt.output, 'CHAIN_STATE_UNREADABLE');
  assert.match(corrupt.output, '--reset');

  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  const busyPort = typeof address === 'object' && address ? address.port : 0;
  const busy = await failingCli(['--port', String(busyPort)]);
  blocker.close();
  assert.is(busy.code, 1);
  assert.match(busy.output, 'CHAIN_PORT_IN_USE');
});

test.run();
