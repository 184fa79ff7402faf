/**
 * The whole lease lifecycle over JSON-RPC: the local chain (bootstrap's `startLocalChain`,
 * litesvm with the real program/deploy/decloud.so deployed with a named upgrade authority,
 * wall-clock time) driven by the SDK's typed
 * client `DecloudChain`, every account decoded by an anchor `Program` built from
 * program/idl/decloud.json, and every balance checked to the lamport after each
 * transaction, its fee read from getTransaction's meta. Refusals surface as
 * `DecloudProgramError` with the program's error name and code, and change nothing.
 *
 * The config's epoch is 1 s, and the jail 2 s, so that proofs, the grace period and the jail
 * take seconds of real time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import anchor from '@coral-xyz/anchor';
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js';
import { startLocalChain } from '@decloud/bootstrap/src/chain/index.js';
import type { LocalChain } from '@decloud/bootstrap/src/chain/index.js';
import { newLeaseId } from '@decloud/sdk/chain/addresses';
import { DecloudChain } from '@decloud/sdk/chain/client';
import { DecloudProgramError } from '@decloud/sdk/chain/errors';
import { attestationMessage, heartbeatMessage, receiptMessage, signProof, termsMessage } from '@decloud/sdk/chain/proofs';
import type { Decloud } from '@decloud/sdk/chain/idl';
import { IDL, PROGRAM_ID, PROGRAM_SO } from './support/chain.js';
import { SPEC_HASH, TERMS_HASH, peerIdOf } from './support/fixtures.js';
import { bpsOf } from './support/rental-rules.js';
import { same } from './support/same.js';

const { AnchorProvider, Program, Wallet } = anchor;

const SOL = BigInt(LAMPORTS_PER_SOL);
const PARAMS = { feeBps: 250, minHostStake: SOL, proofEpochSecs: 1n, graceEpochs: 2, slashBps: 1_000, rewardBps: 40, epochReward: SOL / 200n, jailSecs: 2n };
const RATE = 1_000n;
const LAMPORTS_PER_SIGNATURE = 5_000n;

let chain: LocalChain;
let connection: Connection;
/** The program's upgrade authority, which initializes the config. */
const authority = Keypair.generate();

test.before(async () => {
  chain = await startLocalChain({ port: 0, programs: [{ programId: PROGRAM_ID, path: PROGRAM_SO, upgradeAuthority: authority.publicKey }] });
  connection = new Connection(chain.rpcUrl, 'confirmed');
});

test.after(async () => {
  // web3.js closes its idle websocket 500 ms after the last subscription; let it before the chain goes.
  await new Promise((resolve) => setTimeout(resolve, 700));
  await chain.close();
});

async function funded(sol: bigint): Promise<Keypair> {
  const keypair = Keypair.generate();
  const signature = await connection.requestAirdrop(keypair.publicKey, Number(sol * SOL));
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) }, 'confirmed');
  return keypair;
}

const chainNow = () => BigInt(Math.floor(Date.now() / 1000));

/** Waits until the chain's clock (wall-clock seconds) has reached `unixTimestamp`. */
async function waitUntil(unixTimestamp: bigint): Promise<void> {
  while (chainNow() < unixTimestamp) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Waits for the next slot's blockhash, so a repeated call is a new transaction rather than a replay of the last one. */
async function nextBlockhash(): Promise<void> {
  const { blockhash } = await connection.getLatestBlockhash();
  while ((await connection.getLatestBlockhash()).blockhash === blockhash) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The balances of `accounts`, read over RPC. */
async function balances(accounts: PublicKey[]): Promise<bigint[]> {
  const infos = await connection.getMultipleAccountsInfo(accounts, 'confirmed');
  return infos.map((info) => BigInt(info?.lamports ?? 0));
}

/**
 * Asserts `call` fails with the program's error `name` (`code`) and changes nothing; when it
 * went through without preflight, the failed transaction is on-chain and `feePayer` paid its fee.
 */
async function expectProgramError(call: () => Promise<unknown>, name: string, code: number, watched: PublicKey[], feePayer?: PublicKey): Promise<void> {
  const before = await balances(watched);
  try {
    await call();
    assert.unreachable(`expected ${name}, but it succeeded`);
  } catch (err) {
    assert.instance(err, DecloudProgramError, `expected a DecloudProgramError, got ${String(err)}`);
    const e = err as DecloudProgramError;
    same([e.errorName, e.code], [name, code], 'the program error');
    assert.match(e.message, `${name} (${code})`);
    assert.ok(e.logs.some((l) => l.includes(`Error Number: ${code}`)), 'the program logs come with the error');
  }
  const fee = (account: PublicKey) => (feePayer?.equals(account) ? LAMPORTS_PER_SIGNATURE : 0n);
  same(await balances(watched), before.map((b, i) => b - fee(watched[i] as PublicKey)), `${name}: a refused transaction changes no balance but the fee of one that reached the chain`);
}

test('the lease lifecycle over JSON-RPC: every instruction, every balance to the lamport, every account decoded', async () => {
  // The owner (the host's payout address) holds lamports already: a first payout below the
  // rent-exempt minimum to an empty address is refused.
  const fund = async (key: Keypair, sol: bigint) => {
    const signature = await connection.requestAirdrop(key.publicKey, Number(sol * SOL));
    await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) }, 'confirmed');
  };
  const [funder, operator, renter, witness, stranger, owner] = await Promise.all([funded(10n), funded(10n), funded(10n), funded(1n), funded(1n), funded(1n)]);
  await fund(authority, 10n);
  const client = (k: Keypair) => DecloudChain.fromKeypair(connection, k);
  const [asAuthority, asFunder, asOperator, asRenter, asWitness, asStranger] = [authority, funder, operator, renter, witness, stranger].map(client) as DecloudChain[];
  const op = asOperator as DecloudChain;
  const decoder = new Program<Decloud>(IDL, new AnchorProvider(connection, new Wallet(stranger), { commitment: 'confirmed' }));
  const host = op.hostAddress(operator.publicKey);
  const { config, rewardPool } = op;
  const leaseId1 = newLeaseId(renter.publicKey);
  const lease1 = op.leaseAddress(renter.publicKey, leaseId1);
  let lease2 = lease1; // the second lease's id is drawn later: known once opened

  const watched = [authority, funder, operator, renter, witness, stranger, owner].map((k) => k.publicKey).concat(config, rewardPool, host, lease1);
  const start = await balances(watched);
  let fees = 0n;
  const big = (v: { toString(): string }) => BigInt(v.toString());
  const rent = async (account: PublicKey) => BigInt(await connection.getMinimumBalanceForRentExemption((await connection.getAccountInfo(account))?.data.length ?? 0));

  /**
   * Runs one transaction and checks every watched balance against `changes` (plus the fee,
   * read from getTransaction, for `payer`); an account it `created` is watched from then on.
   */
  async function step(name: string, payer: Keypair, signatures: bigint, send: () => Promise<string>, changes: () => Promise<[PublicKey, bigint][]>, created?: () => PublicKey): Promise<void> {
    const before = await balances(watched);
    const signature = await send();
    if (created) {
      watched.push(created());
      before.push(0n);
    }
    const tx = await connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    assert.ok(tx?.meta, `${name}: getTransaction returns the transaction with its meta`);
    assert.is(tx.meta.err, null, `${name}: no error in meta`);
    const fee = BigInt(tx.meta.fee);
    same([fee], [signatures * LAMPORTS_PER_SIGNATURE], `${name}: the fee is 5,000 lamports per signature`);
    fees += fee;
    const after = await balances(watched);
    const expected = new Map<string, bigint>([[payer.publicKey.toBase58(), -fee]]);
    for (const [account, delta] of await changes()) expected.set(account.toBase58(), (expected.get(account.toBase58()) ?? 0n) + delta);
    watched.forEach((account, i) => {
      same([(after[i] ?? 0n) - (before[i] ?? 0n)], [expected.get(account.toBase58()) ?? 0n], `${name}: lamports of ${account.toBase58()}`);
    });
    // getTransaction's own balances agree with what the accounts held before and hold after.
    const keys = tx.transaction.message.staticAccountKeys;
    keys.forEach((key, k) => {
      const i = watched.findIndex((w) => w.equals(key));
      const meta = [BigInt(tx.meta?.preBalances[k] ?? -1), BigInt(tx.meta?.postBalances[k] ?? -1)];
      if (i >= 0) same(meta, [before[i], after[i]], `${name}: meta balances of ${key.toBase58()}`);
    });
  }

  /** The host operator's signature over the terms of a lease for `renter`. */
  const hostSigned = (leaseId: bigint, durationSecs: bigint) => {
    const terms = {
      hostOperator: operator.publicKey, leaseId, rate: RATE, durationSecs, quoteExpiresAt: chainNow() + 60n, delegate: PublicKey.default, termsHash: TERMS_HASH,
    };
    const { signature } = signProof(operator.secretKey, operator.publicKey, termsMessage({ ...terms, renter: renter.publicKey }));
    return { ...terms, hostSignature: signature };
  };

  // initialize: the upgrade authority pays both accounts' rent.
  await step('initialize', authority, 1n, () => (asAuthority as DecloudChain).initialize({ ...PARAMS, witnesses: [witness.publicKey] }), async () => {
    const [configRent, poolRent] = [await rent(config), await rent(rewardPool)];
    return [[authority.publicKey, -(configRent + poolRent)], [config, configRent], [rewardPool, poolRent]];
  });
  const cfg = await decoder.account.config.fetch(config);
  same(
    [cfg.authority.toBase58(), cfg.feeBps, big(cfg.minHostStake), big(cfg.proofEpochSecs), cfg.graceEpochs, cfg.slashBps, cfg.rewardBps, big(cfg.epochReward),
      big(cfg.jailSecs), cfg.witnessCount, cfg.witnesses[0]?.toBase58(), cfg.rewardPool.toBase58()],
    [authority.publicKey.toBase58(), PARAMS.feeBps, PARAMS.minHostStake, PARAMS.proofEpochSecs, PARAMS.graceEpochs, PARAMS.slashBps, PARAMS.rewardBps, PARAMS.epochReward,
      PARAMS.jailSecs, 1, witness.publicKey.toBase58(), rewardPool.toBase58()],
    'config decoded',
  );

  const funding = 2n * SOL;
  await step('fund_rewards', funder, 1n, () => (asFunder as DecloudChain).fundRewards(funding), async () => [[funder.publicKey, -funding], [rewardPool, funding]]);
  same([big((await decoder.account.rewardPool.fetch(rewardPool)).totalFunded)], [funding], 'pool decoded: total funded');

  const stake = 3n * SOL;
  await step('register_host', operator, 1n, () => op.registerHost({ owner: owner.publicKey, peerId: peerIdOf(operator.publicKey), specHash: SPEC_HASH, stake }), async () => {
    const locked = (await rent(host)) + stake;
    return [[operator.publicKey, -locked], [host, locked]];
  });
  let h = await decoder.account.host.fetch(host);
  same([h.operator.toBase58(), h.owner.toBase58(), Object.keys(h.status)[0], big(h.stake), h.openLeases, Buffer.from(h.peerId).toString('hex')],
    [operator.publicKey.toBase58(), owner.publicKey.toBase58(), 'registered', stake, 0, Buffer.from(peerIdOf(operator.publicKey)).toString('hex')], 'host decoded after register');

  await step('activate_host', operator, 1n, () => op.activateHost(), async () => []);
  same([Object.keys((await decoder.account.host.fetch(host)).status)[0]], ['active'], 'host active');

  // The renter opens a lease of one hour on the terms the host signed (two signatures: the renter's and the host's, in the Ed25519 instruction).
  const duration = 3_600n;
  await step('open_lease', renter, 2n, async () => (await (asRenter as DecloudChain).openLease(hostSigned(leaseId1, duration))).signature, async () => {
    const locked = (await rent(lease1)) + RATE * duration;
    return [[renter.publicKey, -locked], [lease1, locked]];
  });
  let l = await decoder.account.lease.fetch(lease1);
  const leaseStart = big(l.start);
  same([l.renter.toBase58(), l.host.toBase58(), big(l.leaseId), big(l.rate), big(l.deposit), big(l.maxEnd) - leaseStart, big(l.provenUntil), big(l.provenSecs), Object.keys(l.status)[0],
    l.feeBps, l.graceEpochs, l.bump],
  [renter.publicKey.toBase58(), host.toBase58(), leaseId1, RATE, RATE * duration, duration, leaseStart, 0n, 'open', PARAMS.feeBps, PARAMS.graceEpochs, 255], 'lease decoded after open');
  same([(await decoder.account.host.fetch(host)).openLeases], [1], 'host counts the lease');

  // The host posts the renter's receipt (two signatures: the fee payer's and the receipt's, checked by the Ed25519 program).
  await waitUntil(leaseStart + 1n);
  const until = chainNow();
  const receipt = signProof(renter.secretKey, renter.publicKey, receiptMessage(lease1, until));
  await step('post_proof (receipt)', operator, 2n, () => op.postReceipt(lease1, operator.publicKey, until, receipt), async () => []);
  l = await decoder.account.lease.fetch(lease1);
  same([big(l.provenUntil), big(l.provenSecs)], [until, until - leaseStart], 'receipt proves start..until');
  const later = until + 3_600n;
  const early = signProof(renter.secretKey, renter.publicKey, receiptMessage(lease1, later));
  await expectProgramError(() => op.postReceipt(lease1, operator.publicKey, later, early), 'ProofInFuture', 6024, watched);

  // A witness attests this lease in an epoch after a gap: the gap stays unpaid; the host earns the epoch's reward from the pool.
  await waitUntil(until + 2n);
  const epoch = chainNow() / PARAMS.proofEpochSecs - 1n;
  const attestation = signProof(witness.secretKey, witness.publicKey, attestationMessage(operator.publicKey, lease1, epoch));
  const poolAbove = BigInt(await connection.getBalance(rewardPool)) - (await rent(rewardPool));
  const share = bpsOf(poolAbove, BigInt(PARAMS.rewardBps));
  const reward = share < PARAMS.epochReward ? share : PARAMS.epochReward;
  await step('post_proof (attestation)', witness, 2n, () => (asWitness as DecloudChain).postAttestation(lease1, operator.publicKey, epoch, attestation),
    async () => [[rewardPool, -reward], [host, reward]]);
  l = await decoder.account.lease.fetch(lease1);
  same([big(l.provenUntil), big(l.provenSecs)], [(epoch + 1n) * PARAMS.proofEpochSecs, until - leaseStart + PARAMS.proofEpochSecs], 'attestation proves its epoch only');
  h = await decoder.account.host.fetch(host);
  same([big(h.provenEpochs), big(h.lastProofEpoch), big(h.rewardsEarned), big(h.payable)], [1n, epoch + 1n, reward, reward], 'host: one attested epoch, its reward payable');

  // The witness's heartbeat for an ended epoch: anyone may post it; it moves nothing.
  const beat = chainNow() - 1n;
  await step('witness_heartbeat', witness, 2n, () => (asWitness as DecloudChain).postHeartbeat(beat, signProof(witness.secretKey, witness.publicKey, heartbeatMessage(beat))), async () => []);
  same([big((await decoder.account.rewardPool.fetch(rewardPool)).aliveEpoch)], [beat], 'the epoch is alive');

  // Anyone settles: rate x proven seconds into the host account, 2.5 % of it to the pool.
  const settled = RATE * big(l.provenSecs);
  const settleFee = bpsOf(settled, BigInt(PARAMS.feeBps));
  await step('settle_lease', operator, 1n, () => op.settle(lease1), async () => [[lease1, -settled], [host, settled - settleFee], [rewardPool, settleFee]]);
  l = await decoder.account.lease.fetch(lease1);
  same([big(l.paid), big(l.settledSecs)], [settled, big(l.provenSecs)], 'lease paid and settled');
  h = await decoder.account.host.fetch(host);
  same([big(h.earned), big(h.payable), big((await decoder.account.rewardPool.fetch(rewardPool)).totalFees)], [settled - settleFee, reward + settled - settleFee, settleFee], 'host earned and payable, pool fees');

  const extra = 600n;
  await step('top_up_lease', renter, 1n, () => (asRenter as DecloudChain).topUpLease(lease1, extra), async () => [[renter.publicKey, -RATE * extra], [lease1, RATE * extra]]);
  l = await decoder.account.lease.fetch(lease1);
  same([big(l.deposit), big(l.maxEnd)], [RATE * (duration + extra), leaseStart + duration + extra], 'top up: deposit and max end');

  // One more receipt, then the renter closes: the new proven part is paid, the rest comes back.
  await waitUntil(big(l.provenUntil) + 1n);
  const until2 = chainNow();
  await step('post_proof (receipt 2)', operator, 2n, () => op.postReceipt(lease1, operator.publicKey, until2, signProof(renter.secretKey, renter.publicKey, receiptMessage(lease1, until2))), async () => []);
  l = await decoder.account.lease.fetch(lease1);
  const closing = RATE * (big(l.provenSecs) - big(l.settledSecs));
  const closingFee = bpsOf(closing, BigInt(PARAMS.feeBps));
  const lease1Lamports = BigInt(await connection.getBalance(lease1));
  await expectProgramError(() => (asStranger as DecloudChain).closeLease(lease1), 'Unauthorized', 6011, watched);
  // Without preflight the refused transaction lands on-chain: the error still comes back as the program's, and only the fee is gone.
  const unchecked = new DecloudChain(new AnchorProvider(connection, new Wallet(stranger), { commitment: 'confirmed', skipPreflight: true }));
  await expectProgramError(() => unchecked.closeLease(lease1), 'Unauthorized', 6011, watched, stranger.publicKey);
  fees += LAMPORTS_PER_SIGNATURE;
  await step('close_lease', renter, 1n, () => (asRenter as DecloudChain).closeLease(lease1), async () => [
    [lease1, -lease1Lamports], [host, closing - closingFee], [rewardPool, closingFee], [renter.publicKey, lease1Lamports - closing],
  ]);
  same([await decoder.account.lease.fetchNullable(lease1), await op.fetchLease(lease1)], [null, null], 'the lease account is gone');
  same([(await decoder.account.host.fetch(host)).openLeases], [0], 'host has no open lease');

  // The operator claims everything payable (payments and the reward) to the owner; a second claim has nothing.
  h = await decoder.account.host.fetch(host);
  const payable = big(h.payable);
  await step('claim_rewards', operator, 1n, () => op.claimRewards(), async () => [[host, -payable], [owner.publicKey, payable]]);
  h = await decoder.account.host.fetch(host);
  same([big(h.payable), big(h.rewardsEarned), big((await decoder.account.rewardPool.fetch(rewardPool)).totalRewarded)], [0n, reward, reward], 'claim decoded');
  await nextBlockhash();
  await expectProgramError(() => op.claimRewards(), 'NothingToClaim', 6027, watched);

  // A second lease; the host stops taking new ones, never proves it, and is penalized once the witness saw more than grace epochs go unproven.
  let leaseId2 = 0n;
  await step('open_lease (2)', renter, 2n, async () => {
    leaseId2 = newLeaseId(renter.publicKey);
    const opened = await (asRenter as DecloudChain).openLease(hostSigned(leaseId2, duration));
    lease2 = opened.lease;
    return opened.signature;
  }, async () => {
    const locked = (await rent(lease2)) + RATE * duration;
    return [[renter.publicKey, -locked], [lease2, locked]];
  }, () => lease2);
  same([lease2.toBase58(), (await decoder.account.lease.fetch(lease2)).bump], [op.leaseAddress(renter.publicKey, leaseId2).toBase58(), 255], 'the lease is at the bump-255 address of the id the client drew');
  await step('deactivate_host', operator, 1n, () => op.deactivateHost(), async () => []);
  same([Object.keys((await decoder.account.host.fetch(host)).status)[0]], ['inactive'], 'host inactive');
  await expectProgramError(() => op.withdrawStake(), 'HostHasOpenLeases', 6016, watched);
  await expectProgramError(() => (asStranger as DecloudChain).penalize(lease2), 'WithinGrace', 6026, watched);
  const lease2Start = big((await decoder.account.lease.fetch(lease2)).start);
  const alive = BigInt(PARAMS.graceEpochs) + 1n;
  await waitUntil(lease2Start + alive);
  for (let e = lease2Start; e < lease2Start + alive; e += 1n) {
    await step(`witness_heartbeat (${e - lease2Start})`, witness, 2n, () => (asWitness as DecloudChain).postHeartbeat(e, signProof(witness.secretKey, witness.publicKey, heartbeatMessage(e))), async () => []);
  }
  const lease2Lamports = BigInt(await connection.getBalance(lease2));
  const slash = bpsOf(stake, BigInt(PARAMS.slashBps));
  await step('penalize_host', stranger, 1n, () => (asStranger as DecloudChain).penalize(lease2), async () => [
    [lease2, -lease2Lamports], [host, -slash], [renter.publicKey, lease2Lamports], [rewardPool, slash],
  ]);
  h = await decoder.account.host.fetch(host);
  same([Object.keys(h.status)[0], big(h.stake), big(h.slashBase), h.openLeases, await decoder.account.lease.fetchNullable(lease2)], ['jailed', stake - slash, stake, 0, null], 'host jailed and slashed, lease closed');
  same([big((await decoder.account.rewardPool.fetch(rewardPool)).totalSlashed)], [slash], 'the slash is in the pool');

  await nextBlockhash();
  const jailedUntil = big(h.jailedUntil);
  if (chainNow() < jailedUntil) await expectProgramError(() => op.withdrawStake(), 'StillJailed', 6031, watched);
  await waitUntil(jailedUntil + 1n);
  await step('withdraw_stake', operator, 1n, () => op.withdrawStake(), async () => [[host, -(stake - slash)], [owner.publicKey, stake - slash]]);
  h = await decoder.account.host.fetch(host);
  same([Object.keys(h.status)[0], big(h.stake), BigInt(await connection.getBalance(host))], ['jailed', 0n, await rent(host)], 'stake withdrawn, the host keeps its rent and stays jailed');

  const end = await balances(watched);
  same([end.reduce((a, b) => a + b, 0n) + fees], [start.reduce((a, b) => a + b, 0n)], 'lamports are conserved across the lifecycle, fees aside');
});

test.run();
