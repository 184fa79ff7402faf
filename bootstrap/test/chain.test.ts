import { AnchorProvider, Wallet } from '@coral-xyz/anchor';
import {
  ComputeBudgetProgram,
  Connection,
  Ed25519Program,
  Keypair,
  LAMPORTS_PER_SOL,
  NONCE_ACCOUNT_LENGTH,
  PublicKey,
  SendTransactionError,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  sendAndConfirmTransaction,
} from '@solana/web3.js';
import type { AccountInfo, Context, SignatureResult, SignaturesForAddressOptions } from '@solana/web3.js';
import bs58 from 'bs58';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startLocalChain } from '../src/chain/index.js';
import type { LocalChain } from '../src/chain/index.js';
import { memoProgramElf, waitFor } from './chain-fixtures.js';

/** The chain in-process on a random port, driven by unmodified web3.js and Anchor clients. */
const memoCopyId = Keypair.generate().publicKey;
let chain: LocalChain;
let connection: Connection;
let payer: Keypair;

async function funded(sol: number): Promise<Keypair> {
  const keypair = Keypair.generate();
  const signature = await connection.requestAirdrop(keypair.publicKey, sol * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) }, 'confirmed');
  return keypair;
}

async function feeOf(transaction: Transaction): Promise<number> {
  const { value } = await connection.getFeeForMessage(transaction.compileMessage(), 'confirmed');
  if (value === null) throw new Error('the chain did not price the message');
  return value;
}

test.before(async () => {
  chain = await startLocalChain({ port: 0, programs: [{ programId: memoCopyId, elf: await memoProgramElf() }] });
  connection = new Connection(chain.rpcUrl, 'confirmed');
  payer = await funded(10);
});

test.after(async () => {
  // Let web3.js close its idle websocket (it does 500 ms after the last subscription) before the chain goes.
  await new Promise((resolve) => setTimeout(resolve, 700));
  await chain.close();
});

test('identifies itself like a validator and its slots advance with time', async () => {
  const version = await connection.getVersion();
  assert.is(version['solana-core'], '3.1.0');
  assert.is(await connection.getGenesisHash(), chain.ledger.genesisHash);
  const first = await connection.getSlot();
  await new Promise((resolve) => setTimeout(resolve, 900));
  const second = await connection.getSlot();
  assert.ok(second >= first + 2, `slot went from ${first} to ${second} in 900 ms`);
  const epoch = await connection.getEpochInfo();
  assert.is(epoch.absoluteSlot >= second, true);
  const blockhash = await connection.getLatestBlockhash();
  const validFor = blockhash.lastValidBlockHeight - (await connection.getBlockHeight());
  assert.ok(validFor > 140 && validFor <= 150, `blockhash valid for ${validFor} more blocks`);
  assert.ok((await connection.isBlockhashValid(blockhash.blockhash)).value);
  assert.not.ok((await connection.isBlockhashValid(bs58.encode(Buffer.alloc(32, 7)))).value);
});

test('airdrop is a confirmed transaction with a balance and a status', async () => {
  const keypair = Keypair.generate();
  const signature = await connection.requestAirdrop(keypair.publicKey, 3 * LAMPORTS_PER_SOL);
  const confirmation = await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) }, 'confirmed');
  assert.is(confirmation.value.err, null);
  assert.is(await connection.getBalance(keypair.publicKey), 3 * LAMPORTS_PER_SOL);
  const status = (await connection.getSignatureStatus(signature)).value;
  assert.is(status?.confirmationStatus, 'finalized');
  assert.is(status?.err, null);
  // The same request twice is a second, distinct airdrop.
  const again = await connection.requestAirdrop(keypair.publicKey, 3 * LAMPORTS_PER_SOL);
  assert.is.not(again, signature);
  assert.is(await connection.getBalance(keypair.publicKey), 6 * LAMPORTS_PER_SOL);
});

test('a transfer moves exact lamports and charges the fee the chain reports', async () => {
  const recipient = Keypair.generate().publicKey;
  const before = await connection.getBalance(payer.publicKey);
  const transaction = new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: 123_456_789 }));
  const signature = await sendAndConfirmTransaction(connection, transaction, [payer]);
  const fee = await feeOf(transaction);
  assert.is(fee, 5000);
  assert.is(await connection.getBalance(recipient), 123_456_789);
  assert.is(await connection.getBalance(payer.publicKey), before - 123_456_789 - fee);

  const recorded = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' });
  assert.ok(recorded?.meta);
  assert.is(recorded.meta.err, null);
  assert.is(recorded.meta.fee, fee);
  assert.equal(recorded.meta.preBalances.slice(0, 2), [before, 0]);
  assert.equal(recorded.meta.postBalances.slice(0, 2), [before - 123_456_789 - fee, 123_456_789]);
  assert.ok(recorded.meta.logMessages?.includes('Program 11111111111111111111111111111111 success'));
  assert.ok((recorded.meta.computeUnitsConsumed ?? 0) > 0);
  assert.is(recorded.version, 'legacy');
  assert.is(recorded.transaction.signatures[0], signature);

  const parsed = await connection.getParsedTransaction(signature, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' });
  assert.ok(parsed?.transaction.message.accountKeys[0]?.signer);
  assert.is(parsed?.transaction.message.accountKeys[1]?.pubkey.toBase58(), recipient.toBase58());

  const history = await connection.getSignaturesForAddress(recipient);
  assert.equal(history.map((entry) => entry.signature), [signature]);
});

test('getSignaturesForAddress lists newest first and pages with limit, before and until as a validator does', async () => {
  const recipient = Keypair.generate().publicKey;
  const send = (to: PublicKey) => sendAndConfirmTransaction(connection, new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 1_000_000 })), [payer]);
  const first = await send(recipient);
  const second = await send(recipient);
  const unrelated = await send(Keypair.generate().publicKey);
  const third = await send(recipient);
  const list = async (options: SignaturesForAddressOptions = {}) => (await connection.getSignaturesForAddress(recipient, options)).map((entry) => entry.signature);
  assert.equal(await list(), [third, second, first]);
  assert.equal(await list({ limit: 1 }), [third]);
  assert.equal(await list({ limit: 1, before: third }), [second]);
  assert.equal(await list({ before: second }), [first]);
  assert.equal(await list({ until: first }), [third, second]);
  assert.equal(await list({ before: unrelated }), [second, first], 'before a signature that does not mention the address: what was committed earlier');
  const unknown = bs58.encode(Keypair.generate().secretKey);
  assert.equal(await list({ before: unknown }), [], 'nothing before a signature the chain does not know');
});

test('priority fees and ed25519 precompile signatures are charged exactly as getFeeForMessage says', async () => {
  const signer = Keypair.generate();
  const recipient = Keypair.generate().publicKey;
  const cases = [
    [ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 1_000_000 })],
    [ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 333 }), ComputeBudgetProgram.setComputeUnitLimit({ units: 300_000 })],
    [Ed25519Program.createInstructionWithPrivateKey({ privateKey: signer.secretKey, message: Buffer.from('uptime') })],
  ];
  for (const extra of cases) {
    const transaction = new Transaction().add(...extra, SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: 1_000_000 }));
    const before = await connection.getBalance(payer.publicKey);
    const recipientBefore = await connection.getBalance(recipient);
    const signature = await sendAndConfirmTransaction(connection, transaction, [payer]);
    const fee = await feeOf(transaction);
    assert.is(await connection.getBalance(payer.publicKey), before - 1_000_000 - fee);
    assert.is(await connection.getBalance(recipient), recipientBefore + 1_000_000);
    const recorded = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 });
    assert.is(recorded?.meta?.fee, fee);
    assert.ok(fee > 5000, `expected more than the base fee, got ${fee}`);
  }
});

test('accounts created for a program are found by getProgramAccounts with dataSize and memcmp filters', async () => {
  const owner = Keypair.generate().publicKey;
  const sizes = [8, 8, 24];
  const created: PublicKey[] = [];
  for (const space of sizes) {
    const account = Keypair.generate();
    const lamports = await connection.getMinimumBalanceForRentExemption(space);
    await sendAndConfirmTransaction(
      connection,
      new Transaction().add(SystemProgram.createAccount({ fromPubkey: payer.publicKey, newAccountPubkey: account.publicKey, lamports, space, programId: owner })),
      [payer, account],
    );
    created.push(account.publicKey);
  }
  const all = await connection.getProgramAccounts(owner);
  assert.equal(all.map((a) => a.pubkey.toBase58()).sort(), created.map((k) => k.toBase58()).sort());
  assert.ok(all.every(({ account }) => account.owner.equals(owner) && account.data.every((byte) => byte === 0)));
  const small = await connection.getProgramAccounts(owner, { filters: [{ dataSize: 8 }] });
  assert.is(small.length, 2);
  const zeros = await connection.getProgramAccounts(owner, { filters: [{ memcmp: { offset: 16, bytes: bs58.encode(Buffer.alloc(8)) } }] });
  assert.equal(zeros.map((a) => a.pubkey.toBase58()), [created[2]?.toBase58()]);
  const ones = await connection.getProgramAccounts(owner, { filters: [{ memcmp: { offset: 0, bytes: bs58.encode(Buffer.from([1])) } }] });
  assert.is(ones.length, 0);

  // Real data written by a real program: a nonce account stores its authority at offset 8.
  const nonce = Keypair.generate();
  const authority = Keypair.generate().publicKey;
  const lamports = await connection.getMinimumBalanceForRentExemption(NONCE_ACCOUNT_LENGTH);
  await sendAndConfirmTransaction(
    connection,
    new Transaction().add(...SystemProgram.createNonceAccount({ fromPubkey: payer.publicKey, noncePubkey: nonce.publicKey, authorizedPubkey: authority, lamports }).instructions),
    [payer, nonce],
  );
  const byAuthority = await connection.getProgramAccounts(SystemProgram.programId, {
    filters: [{ dataSize: NONCE_ACCOUNT_LENGTH }, { memcmp: { offset: 8, bytes: authority.toBase58() } }],
  });
  assert.equal(byAuthority.map((a) => a.pubkey.toBase58()), [nonce.publicKey.toBase58()]);
  const byAuthority64 = await connection.getProgramAccounts(SystemProgram.programId, {
    filters: [{ memcmp: { offset: 8, bytes: authority.toBuffer().toString('base64'), encoding: 'base64' } }],
  });
  assert.equal(byAuthority64.map((a) => a.pubkey.toBase58()), [nonce.publicKey.toBase58()]);
});

test('websocket notifications: onAccountChange on each change, onSignature also for an already processed transaction', async () => {
  const recipient = Keypair.generate().publicKey;
  const seen: number[] = [];
  const accountSubscription = connection.onAccountChange(recipient, (info: AccountInfo<Buffer>) => seen.push(info.lamports), { commitment: 'confirmed' });
  const pay = (lamports: number) =>
    sendAndConfirmTransaction(connection, new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports })), [payer]);
  // web3.js subscribes in the background: pay until a first notification shows the subscription is live.
  let attempt = 0;
  await waitFor('the account subscription', async () => (await pay(1_000_000 + attempt++), seen.length > 0 ? true : undefined));
  const balance = await connection.getBalance(recipient);
  const before = seen.length;
  await pay(2_000_000);
  await pay(3_000_000);
  await waitFor('two more account notifications', () => (seen.length >= before + 2 ? true : undefined));
  assert.equal(seen.slice(before), [balance + 2_000_000, balance + 5_000_000]);
  await connection.removeAccountChangeListener(accountSubscription);

  const signature = await sendAndConfirmTransaction(
    connection,
    new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: 5 })),
    [payer],
  );
  const result = await new Promise<{ result: SignatureResult; context: Context }>((resolve) => {
    connection.onSignature(signature, (signatureResult, context) => resolve({ result: signatureResult, context }), 'confirmed');
  });
  assert.is(result.result.err, null);
  assert.ok(result.context.slot > 0);

  // The same subscriptions work on the RPC port itself.
  const samePort = new Connection(chain.rpcUrl, { commitment: 'confirmed', wsEndpoint: chain.rpcUrl.replace('http', 'ws') });
  const pending = new Promise<SignatureResult>((resolve) => {
    void samePort.requestAirdrop(recipient, 7).then((airdrop) => samePort.onSignature(airdrop, (outcome) => resolve(outcome)));
  });
  assert.is((await pending).err, null);
});

test('websocket notifications: onProgramAccountChange with filters, onLogs for transactions mentioning an account', async () => {
  const owner = Keypair.generate().publicKey;
  const changed: string[] = [];
  const programSubscription = connection.onProgramAccountChange(owner, (keyed) => changed.push(keyed.accountId.toBase58()), {
    commitment: 'confirmed',
    filters: [{ dataSize: 16 }],
  });
  const logs: string[][] = [];
  const logsSubscription = connection.onLogs(memoCopyId, (entry) => logs.push(entry.logs), 'confirmed');
  const createAccount = async (space: number) => {
    const account = Keypair.generate();
    const lamports = await connection.getMinimumBalanceForRentExemption(space);
    await sendAndConfirmTransaction(
      connection,
      new Transaction().add(SystemProgram.createAccount({ fromPubkey: payer.publicKey, newAccountPubkey: account.publicKey, lamports, space, programId: owner })),
      [payer, account],
    );
    return account.publicKey.toBase58();
  };
  const memo = (text: string) => sendAndConfirmTransaction(connection, new Transaction().add(new TransactionInstruction({ programId: memoCopyId, keys: [], data: Buffer.from(text) })), [payer]);
  // Both subscriptions are live once each has notified once.
  await waitFor('the program subscription', async () => (await createAccount(16), changed.length > 0 ? true : undefined));
  let attempt = 0;
  await waitFor('the logs subscription', async () => (await memo(`warm-up ${attempt++}`), logs.length > 0 ? true : undefined));
  const changedBefore = changed.length;
  const logsBefore = logs.length;
  const matching = await createAccount(16);
  await createAccount(8);
  await memo('logged');
  await waitFor('program and logs notifications', () => (changed.length > changedBefore && logs.length > logsBefore ? true : undefined));
  await new Promise((resolve) => setTimeout(resolve, 200)); // room for a wrong notification to show up
  assert.equal(changed.slice(changedBefore), [matching]);
  assert.equal(logs.length, logsBefore + 1);
  assert.ok(logs.at(-1)?.includes('Program log: Memo (len 6): "logged"'), JSON.stringify(logs.at(-1)));
  await connection.removeProgramAccountChangeListener(programSubscription);
  await connection.removeOnLogsListener(logsSubscription);
});

test('token accounts created with the SPL Token program are found by getTokenAccountsByOwner', async () => {
  const tokenProgram = new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
  const mint = Keypair.generate();
  const holder = Keypair.generate();
  const owner = Keypair.generate().publicKey;
  const create = async (account: Keypair, space: number) =>
    SystemProgram.createAccount({ fromPubkey: payer.publicKey, newAccountPubkey: account.publicKey, lamports: await connection.getMinimumBalanceForRentExemption(space), space, programId: tokenProgram });
  const initializeMint = new TransactionInstruction({
    programId: tokenProgram,
    keys: [{ pubkey: mint.publicKey, isSigner: false, isWritable: true }],
    data: Buffer.concat([Buffer.from([20, 6]), payer.publicKey.toBuffer(), Buffer.from([0])]), // InitializeMint2, 6 decimals, no freeze authority
  });
  const initializeAccount = new TransactionInstruction({
    programId: tokenProgram,
    keys: [
      { pubkey: holder.publicKey, isSigner: false, isWritable: true },
      { pubkey: mint.publicKey, isSigner: false, isWritable: false },
    ],
    data: Buffer.concat([Buffer.from([18]), owner.toBuffer()]), // InitializeAccount3
  });
  await sendAndConfirmTransaction(connection, new Transaction().add(await create(mint, 82), initializeMint, await create(holder, 165), initializeAccount), [payer, mint, holder]);
  const byMint = await connection.getTokenAccountsByOwner(owner, { mint: mint.publicKey });
  assert.equal(byMint.value.map((entry) => entry.pubkey.toBase58()), [holder.publicKey.toBase58()]);
  const byProgram = await connection.getTokenAccountsByOwner(owner, { programId: tokenProgram });
  assert.is(byProgram.value.length, 1);
  assert.is((await connection.getTokenAccountsByOwner(payer.publicKey, { mint: mint.publicKey })).value.length, 0);
});

test('AnchorProvider.sendAndConfirm sends and confirms through the chain', async () => {
  const provider = new AnchorProvider(connection, new Wallet(payer), { commitment: 'confirmed' });
  const recipient = Keypair.generate().publicKey;
  const signature = await provider.sendAndConfirm(new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: 1_042_000 })));
  assert.is(await connection.getBalance(recipient), 1_042_000);
  assert.is((await connection.getSignatureStatus(signature)).value?.err, null);
});

test('a failing transaction: preflight gives a SendTransactionError with logs and changes nothing; without preflight only the fee is charged', async () => {
  const poor = await funded(1);
  const recipient = Keypair.generate().publicKey;
  const transfer = () => new Transaction().add(SystemProgram.transfer({ fromPubkey: poor.publicKey, toPubkey: recipient, lamports: 5 * LAMPORTS_PER_SOL }));
  try {
    await sendAndConfirmTransaction(connection, transfer(), [poor]);
    assert.unreachable('the transfer should fail');
  } catch (err) {
    assert.instance(err, SendTransactionError);
    const logs = (err as SendTransactionError).logs ?? [];
    assert.ok(logs.some((line) => line.includes('insufficient lamports')), JSON.stringify(logs));
    assert.match((err as Error).message, 'custom program error: 0x1');
  }
  assert.is(await connection.getBalance(poor.publicKey), LAMPORTS_PER_SOL);

  const transaction = transfer();
  const signature = await connection.sendTransaction(transaction, [poor], { skipPreflight: true });
  const confirmation = await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) }, 'confirmed');
  assert.equal(confirmation.value.err, { InstructionError: [0, { Custom: 1 }] });
  const fee = await feeOf(transaction);
  assert.is(await connection.getBalance(poor.publicKey), LAMPORTS_PER_SOL - fee);
  assert.is(await connection.getBalance(recipient), 0);
  const recorded = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 });
  assert.equal(recorded?.meta?.err, { InstructionError: [0, { Custom: 1 }] });
  assert.is(recorded?.meta?.fee, fee);
});

test('a loaded SBF program runs: simulate and send return its logs and compute units', async () => {
  const instruction = new TransactionInstruction({
    programId: memoCopyId,
    keys: [{ pubkey: payer.publicKey, isSigner: true, isWritable: false }],
    data: Buffer.from('decloud lease 7'),
  });
  const simulated = await connection.simulateTransaction(new Transaction().add(instruction), [payer]);
  assert.is(simulated.value.err, null);
  assert.ok(simulated.value.logs?.includes('Program log: Memo (len 15): "decloud lease 7"'), JSON.stringify(simulated.value.logs));
  assert.ok((simulated.value.unitsConsumed ?? 0) > 0);
  for (let round = 0; round < 3; round++) {
    const signature = await sendAndConfirmTransaction(connection, new Transaction().add(instruction, ComputeBudgetProgram.setComputeUnitLimit({ units: 100_000 + round })), [payer]);
    const recorded = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 });
    assert.ok(recorded?.meta?.logMessages?.some((line) => line.includes(`Program ${memoCopyId.toBase58()} success`)));
  }
});

test.run();
