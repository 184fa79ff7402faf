/**
 * The program's semantics as executable rules, for the property tests: for one action in
 * the current state, the transaction to send, whether the rules allow it, the exact lamport
 * change of every account if it succeeds, and the fields it must have written.
 */
import * as assert from 'uvu/assert';
import { SystemProgram } from '@solana/web3.js';
import type { Keypair, PublicKey, TransactionInstruction } from '@solana/web3.js';
import { attestationMessage, proofVerifyInstruction, receiptMessage } from '@decloud/sdk/chain/proofs';
import { REWARD_POOL } from './chain.js';
import type { HostState, LeaseState } from './accounts.js';
import { SPEC_HASH, TERMS_HASH, peerIdOf } from './fixtures.js';
import { signWith } from './native-ed25519.js';
import * as ix from './instructions.js';
import type { Action, ActionKind } from './rental-scenario.js';
import { addressText } from './rental-world.js';
import type { HostActor, LeaseRecord, RentalWorld, View } from './rental-world.js';
import { same } from './same.js';

const U64_MAX = 2n ** 64n - 1n;
const I64_MAX = 2n ** 63n - 1n;
/** Where the signature starts in an Ed25519 program instruction with one signature (16-byte header, 32-byte key). */
const ED25519_SIGNATURE_OFFSET = 48;

export interface Plan {
  kind: ActionKind;
  label: string;
  before: View;
  instructions: TransactionInstruction[];
  signers: Keypair[];
  /** the rules' verdict */
  allowed: boolean;
  /** lamport change of a success, by address; every other tracked account keeps its lamports */
  deltas: Map<string, bigint>;
  /** the lease whose escrow the action moves, if any */
  lease?: LeaseRecord;
  /** checks of the written fields after a success */
  verify: (after: View) => void;
}

/** floor(amount x bps / 10 000), bps capped at 10 000. */
export const bpsOf = (amount: bigint, bps: bigint) => (amount * (bps > 10_000n ? 10_000n : bps)) / 10_000n;
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** The Ed25519 program instruction for `message` signed by `signer`. */
const signed = (signer: Keypair, message: Uint8Array) => proofVerifyInstruction({ signer: signer.publicKey, message, signature: signWith(signer, message) });

type Draft = Omit<Plan, 'kind' | 'label' | 'before' | 'deltas' | 'verify'> & { deltas?: [PublicKey, bigint][]; verify?: (after: View) => void };

/** The plan of `action` in the world's current state (read here, kept as `before`). */
export async function planAction(world: RentalWorld, action: Exclude<Action, { kind: 'advance' }>): Promise<Plan> {
  // An open tracks its lease address first, so the state read below includes it.
  const opening = action.kind === 'open' ? plannedOpen(world, action) : undefined;
  const before = world.view();
  const draft = await draftOf(world, before, action, opening);
  const deltas = new Map<string, bigint>();
  for (const [address, delta] of draft.deltas ?? []) deltas.set(addressText(address), (deltas.get(addressText(address)) ?? 0n) + delta);
  const allowed = draft.allowed && walletsStayValid(world, before, deltas);
  return { ...draft, allowed, kind: action.kind, label: describe(action), before, deltas, verify: draft.verify ?? (() => {}) };
}

/**
 * The runtime's rule for plain wallets: a transaction may leave one empty or rent-exempt,
 * never overdrawn nor holding a balance between 0 and the rent-exempt minimum (so a first
 * payout below that minimum to an empty payout address is refused).
 */
function walletsStayValid(world: RentalWorld, before: View, deltas: Map<string, bigint>): boolean {
  return [...deltas].every(([address, delta]) => {
    if (delta === 0n || !world.isWallet(address)) return true;
    const after = (before.accounts.get(address)?.lamports ?? 0n) + delta;
    return after === 0n || after >= world.rent.wallet;
  });
}

function describe(action: Action): string {
  return JSON.stringify(action, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

function plannedOpen(world: RentalWorld, action: Extract<Action, { kind: 'open' }>): LeaseRecord {
  const renter = world.renterAt(action.renter);
  const reused = action.reuseId ? world.leases.find((l) => l.renter.publicKey.equals(renter.publicKey)) : undefined;
  return world.plannedLease(renter, action.host % world.hosts.length, reused?.leaseId ?? action.leaseId, action.rate);
}

function draftOf(world: RentalWorld, before: View, action: Exclude<Action, { kind: 'advance' }>, opening: LeaseRecord | undefined): Promise<Draft> {
  switch (action.kind) {
    case 'register': return register(world, before, action);
    case 'activate': return activate(world, before, action);
    case 'deactivate': return deactivate(world, before, action);
    case 'withdraw': return withdraw(world, before, action);
    case 'addStake': return addStake(world, before, action);
    case 'claim': return claim(world, before, action);
    case 'open': return open(world, before, action, opening as LeaseRecord);
    case 'topUp': return topUp(world, before, action);
    case 'receipt': return receipt(world, before, action);
    case 'attest': return attest(world, before, action);
    case 'settle': return settle(world, before, action);
    case 'close': return close(world, before, action);
    case 'penalize': return penalize(world, before, action);
    case 'fund': return fund(world, before, action);
    case 'payOwner': return payOwner(world, action);
  }
}

async function register(world: RentalWorld, before: View, a: Extract<Action, { kind: 'register' }>): Promise<Draft> {
  const h = world.hostAt(a.host);
  const minStake = world.params.minHostStake;
  const stake = a.stake === 'below' ? minStake - 1n : a.stake === 'min' ? minStake : minStake + a.extra;
  const locked = world.rent.host + stake;
  const args = { peerId: peerIdOf(h.operator.publicKey), specHash: SPEC_HASH, stake };
  return {
    instructions: [await ix.registerHost(world.program, args, { operator: h.operator.publicKey, owner: h.owner.publicKey, host: h.host })],
    signers: [h.operator],
    allowed: before.host(h.host) === null && stake >= minStake,
    deltas: [[h.operator.publicKey, -locked], [h.host, locked]],
    verify: (after) => {
      const host = after.host(h.host) as HostState;
      assert.ok(host.operator.equals(h.operator.publicKey) && host.owner.equals(h.owner.publicKey), 'register: operator and owner');
      same([host.status, host.stake, host.openLeases, host.registeredAt], ['Registered', stake, 0, before.now], 'register: status, stake, leases, time');
    },
  };
}

/** The operator, or the config authority trying to act for it. */
const hostSigner = (world: RentalWorld, h: HostActor, byOperator: boolean) => (byOperator ? h.operator : world.authority);

async function activate(world: RentalWorld, before: View, a: Extract<Action, { kind: 'activate' }>): Promise<Draft> {
  const h = world.hostAt(a.host);
  const host = before.host(h.host);
  const signer = hostSigner(world, h, a.byOperator);
  return {
    instructions: [await ix.activateHost(world.program, { operator: signer.publicKey, host: h.host })],
    signers: [signer],
    allowed: a.byOperator && host !== null && (host.status === 'Registered' || host.status === 'Inactive') && host.stake >= world.params.minHostStake,
    verify: (after) => same([after.host(h.host)?.status], ['Active'], 'activate: status'),
  };
}

async function deactivate(world: RentalWorld, before: View, a: Extract<Action, { kind: 'deactivate' }>): Promise<Draft> {
  const h = world.hostAt(a.host);
  const signer = hostSigner(world, h, a.byOperator);
  return {
    instructions: [await ix.deactivateHost(world.program, { operator: signer.publicKey, host: h.host })],
    signers: [signer],
    allowed: a.byOperator && before.host(h.host)?.status === 'Active',
    verify: (after) => same([after.host(h.host)?.status], ['Inactive'], 'deactivate: status'),
  };
}

async function withdraw(world: RentalWorld, before: View, a: Extract<Action, { kind: 'withdraw' }>): Promise<Draft> {
  const h = world.hostAt(a.host);
  const host = before.host(h.host);
  const signer = hostSigner(world, h, a.byOperator);
  const stake = host?.stake ?? 0n;
  return {
    instructions: [await ix.withdrawStake(world.program, { operator: signer.publicKey, owner: h.owner.publicKey, host: h.host })],
    signers: [signer],
    allowed: a.byOperator && host !== null && host.openLeases === 0 && host.status !== 'Active' && stake > 0n,
    deltas: [[h.host, -stake], [h.owner.publicKey, stake]],
    verify: (after) => {
      const status = host?.status === 'Jailed' ? 'Jailed' : 'Inactive';
      same([after.host(h.host)?.stake, after.host(h.host)?.status], [0n, status], 'withdraw: stake and status');
    },
  };
}

async function addStake(world: RentalWorld, before: View, a: Extract<Action, { kind: 'addStake' }>): Promise<Draft> {
  const h = world.hostAt(a.host);
  const host = before.host(h.host);
  const signer = hostSigner(world, h, a.byOperator);
  return {
    instructions: [await ix.addStake(world.program, a.amount, { operator: signer.publicKey, host: h.host })],
    signers: [signer],
    allowed: a.byOperator && host !== null && host.status !== 'Jailed' && a.amount > 0n && host.stake + a.amount <= U64_MAX,
    deltas: [[signer.publicKey, -a.amount], [h.host, a.amount]],
    verify: (after) => same([after.host(h.host)?.stake, after.host(h.host)?.status], [(host?.stake ?? 0n) + a.amount, host?.status], 'add stake: stake and status'),
  };
}

async function claim(world: RentalWorld, before: View, a: Extract<Action, { kind: 'claim' }>): Promise<Draft> {
  const h = world.hostAt(a.host);
  const host = before.host(h.host);
  const signer = hostSigner(world, h, a.byOperator);
  const owner = a.toOwner ? h.owner.publicKey : world.authority.publicKey;
  const epochs = host ? host.provenEpochs - host.rewardedEpochs : 0n;
  const available = before.lamports(REWARD_POOL) - world.rent.pool;
  const amount = bpsOf(available, min(epochs * BigInt(world.params.rewardBps), 10_000n));
  const share = hostShare(world, before, h, amount);
  return {
    instructions: [await ix.claimRewards(world.program, { operator: signer.publicKey, owner, host: h.host })],
    signers: [signer],
    allowed: a.byOperator && a.toOwner && host !== null && host.status !== 'Jailed' && epochs > 0n && amount > 0n,
    deltas: [[REWARD_POOL, -amount], ...share.deltas],
    verify: (after) => {
      const claimed = after.host(h.host) as HostState;
      same([claimed.rewardedEpochs, claimed.rewardsClaimed], [host?.provenEpochs, (host?.rewardsClaimed ?? 0n) + amount], 'claim: epochs and total');
      same([claimed.stake], [(host?.stake ?? 0n) + share.staked], 'claim: a reward the owner address could not hold joined the stake');
      same([after.pool().totalClaimed], [before.pool().totalClaimed + amount], 'claim: pool total');
    },
  };
}

async function open(world: RentalWorld, before: View, a: Extract<Action, { kind: 'open' }>, rec: LeaseRecord): Promise<Draft> {
  const h = world.hostAt(rec.hostIndex);
  const host = before.host(h.host);
  const deposit = a.rate * a.durationSecs;
  const locked = world.rent.lease + deposit;
  const args = { leaseId: rec.leaseId, rate: a.rate, durationSecs: a.durationSecs, termsHash: TERMS_HASH };
  const allowed = host?.status === 'Active' && a.rate > 0n && a.durationSecs > 0n && deposit <= U64_MAX && before.now + a.durationSecs <= I64_MAX &&
    before.account(rec.address) === null;
  return {
    instructions: [await ix.openLease(world.program, args, { renter: rec.renter.publicKey, host: h.host, lease: rec.address })],
    signers: [rec.renter],
    allowed,
    lease: rec,
    deltas: [[rec.renter.publicKey, -locked], [rec.address, locked]],
    verify: (after) => {
      const lease = after.lease(rec.address) as LeaseState;
      assert.ok(lease.renter.equals(rec.renter.publicKey) && lease.host.equals(h.host), 'open: renter and host');
      same(
        [lease.leaseId, lease.rate, lease.deposit, lease.start, lease.maxEnd, lease.provenUntil, lease.provenSecs, lease.settledSecs, lease.paid, lease.status],
        [rec.leaseId, a.rate, deposit, before.now, before.now + a.durationSecs, before.now, 0n, 0n, 0n, 'Open'],
        'open: lease fields',
      );
      same([after.host(h.host)?.openLeases], [(host?.openLeases ?? 0) + 1], 'open: host open leases');
    },
  };
}

async function topUp(world: RentalWorld, before: View, a: Extract<Action, { kind: 'topUp' }>): Promise<Draft> {
  const rec = world.leaseAt(a.lease, a.anyLease);
  const lease = before.lease(rec.address);
  const payer = a.byRenter ? rec.renter : world.otherRenter(rec.renter);
  const amount = rec.rate * a.extraSecs;
  const allowed = lease !== null && a.byRenter && a.extraSecs > 0n && before.now < lease.maxEnd && lease.deposit + amount <= U64_MAX &&
    lease.maxEnd + a.extraSecs <= I64_MAX;
  return {
    instructions: [await ix.topUpLease(world.program, a.extraSecs, { renter: payer.publicKey, lease: rec.address })],
    signers: [payer],
    allowed,
    lease: rec,
    deltas: [[payer.publicKey, -amount], [rec.address, amount]],
    verify: (after) => {
      const topped = after.lease(rec.address) as LeaseState;
      same([topped.deposit, topped.maxEnd], [(lease?.deposit ?? 0n) + amount, (lease?.maxEnd ?? 0n) + a.extraSecs], 'top up: deposit and max end');
    },
  };
}

/** Host epoch bookkeeping of a successful proof (last_proof_epoch stores epoch + 1). */
function verifyHostProof(before: HostState, after: HostState, proofEpoch: bigint, now: bigint): void {
  const fresh = proofEpoch + 1n > before.lastProofEpoch;
  same(
    [after.provenEpochs, after.lastProofEpoch, after.lastProofAt],
    [before.provenEpochs + (fresh ? 1n : 0n), fresh ? proofEpoch + 1n : before.lastProofEpoch, now],
    'proof: host epochs',
  );
}

function verifyCoverage(rec: LeaseRecord, h: HostActor, before: View, covered: { from: bigint; to: bigint }, proofEpoch: bigint): (after: View) => void {
  return (after) => {
    const lease = before.lease(rec.address) as LeaseState;
    const proven = after.lease(rec.address) as LeaseState;
    same([proven.provenUntil, proven.provenSecs], [covered.to, lease.provenSecs + covered.to - covered.from], 'proof: only the covered time counts');
    verifyHostProof(before.host(h.host) as HostState, after.host(h.host) as HostState, proofEpoch, before.now);
  };
}

async function receipt(world: RentalWorld, before: View, a: Extract<Action, { kind: 'receipt' }>): Promise<Draft> {
  const rec = world.leaseAt(a.lease, a.anyLease);
  const lease = before.lease(rec.address);
  const h = world.hostAt(rec.hostIndex);
  const now = before.now;
  const until = { now, past: now - a.offset, future: now + a.offset, beforeProven: (lease?.provenUntil ?? now) - a.offset }[a.until];
  const hostAccount = a.tamper === 'wrongHost' ? world.hostAt(rec.hostIndex + 1).host : h.host;
  const post = await ix.postProof(world.program, { receipt: { until } }, { host: hostAccount, lease: rec.address });
  const signer = a.tamper === 'wrongSigner' ? h.operator : rec.renter;
  const verifyIx = signed(signer, receiptMessage(rec.address, a.tamper === 'forgedMessage' ? until - 1n : until));
  if (a.tamper === 'badSignature') verifyIx.data[ED25519_SIGNATURE_OFFSET] = (verifyIx.data[ED25519_SIGNATURE_OFFSET] ?? 0) ^ 0xff;
  const end = lease ? min(until, lease.maxEnd) : 0n;
  return {
    instructions: a.tamper === 'missing' ? [post] : [verifyIx, post],
    signers: [],
    allowed: lease !== null && a.tamper === 'none' && until <= now && end > lease.provenUntil,
    verify: verifyCoverage(rec, h, before, { from: lease?.provenUntil ?? 0n, to: end }, (end - 1n) / world.params.proofEpochSecs),
  };
}

async function attest(world: RentalWorld, before: View, a: Extract<Action, { kind: 'attest' }>): Promise<Draft> {
  const rec = world.leaseAt(a.lease, a.anyLease);
  const lease = before.lease(rec.address);
  const h = world.hostAt(rec.hostIndex);
  const L = world.params.proofEpochSecs;
  const epoch = before.now / L - a.epochsBack;
  const witness = a.byWitness ? (world.witnesses[a.witness % world.witnesses.length] as Keypair) : world.nonWitness;
  const operator = a.tamper === 'forgedMessage' ? world.hostAt(rec.hostIndex + 1).operator : h.operator;
  const hostAccount = a.tamper === 'wrongHost' ? world.hostAt(rec.hostIndex + 1).host : h.host;
  const post = await ix.postProof(world.program, { attestation: { epoch } }, { host: hostAccount, lease: rec.address });
  const lo = lease ? max(epoch * L, lease.provenUntil) : 0n;
  const hi = lease ? min((epoch + 1n) * L, lease.maxEnd) : 0n;
  return {
    instructions: [signed(witness, attestationMessage(operator.publicKey, epoch)), post],
    signers: [],
    allowed: lease !== null && a.tamper === 'none' && a.byWitness && (epoch + 1n) * L <= before.now && hi > lo,
    verify: verifyCoverage(rec, h, before, { from: lo, to: hi }, epoch),
  };
}

/** What settling `lease` moves now: rate x newly proven seconds, the fee of it to the pool. */
function settlement(world: RentalWorld, lease: LeaseState | null): { amount: bigint; fee: bigint } {
  const amount = lease ? lease.rate * (lease.provenSecs - lease.settledSecs) : 0n;
  return { amount, fee: bpsOf(amount, BigInt(world.params.feeBps)) };
}

/**
 * Where a payout to a host's owner goes: the owner address, or the host's stake when that
 * address could not hold it (it would end between 0 and its rent-exempt minimum; see
 * program/src/instructions/owner_payout.rs).
 */
function hostShare(world: RentalWorld, before: View, h: HostActor, amount: bigint): { deltas: [PublicKey, bigint][]; staked: bigint } {
  if (amount === 0n) return { deltas: [], staked: 0n };
  if (before.lamports(h.owner.publicKey) + amount >= world.rent.wallet) return { deltas: [[h.owner.publicKey, amount]], staked: 0n };
  return { deltas: [[h.host, amount]], staked: amount };
}

/** `slash`: what penalize took from the stake before settling. */
function verifySettled(world: RentalWorld, h: HostActor, before: View, after: View, paid: { amount: bigint; fee: bigint }, slash = 0n): void {
  const host = before.host(h.host) as HostState;
  same([after.host(h.host)?.earned], [host.earned + paid.amount - paid.fee], 'settle: host earned');
  same([after.pool().totalFees], [before.pool().totalFees + paid.fee], 'settle: pool fees');
  const { staked } = hostShare(world, before, h, paid.amount - paid.fee);
  same([after.host(h.host)?.stake], [host.stake - slash + staked], 'settle: the stake changed only by the slash and a share the owner could not hold');
}

async function settle(world: RentalWorld, before: View, a: Extract<Action, { kind: 'settle' }>): Promise<Draft> {
  const rec = world.leaseAt(a.lease, a.anyLease);
  const lease = before.lease(rec.address);
  const h = world.hostAt(rec.hostIndex);
  const owner = a.toOwner ? h.owner.publicKey : world.authority.publicKey;
  const paid = settlement(world, lease);
  return {
    instructions: [await ix.settleLease(world.program, { host: h.host, lease: rec.address, owner })],
    signers: [],
    allowed: lease !== null && a.toOwner,
    lease: rec,
    deltas: [[rec.address, -paid.amount], ...hostShare(world, before, h, paid.amount - paid.fee).deltas, [REWARD_POOL, paid.fee]],
    verify: (after) => {
      const settled = after.lease(rec.address) as LeaseState;
      same([settled.paid, settled.settledSecs], [(lease?.paid ?? 0n) + paid.amount, lease?.provenSecs], 'settle: paid and settled seconds');
      verifySettled(world, h, before, after, paid);
    },
  };
}

/** The lamport moves of closing a lease: settle, then everything left (and any slash) to the renter. */
function closing(world: RentalWorld, before: View, rec: LeaseRecord, slash: bigint): [PublicKey, bigint][] {
  const lease = before.lease(rec.address);
  const h = world.hostAt(rec.hostIndex);
  const paid = settlement(world, lease);
  const balance = before.lamports(rec.address);
  return [
    [rec.address, -balance], ...hostShare(world, before, h, paid.amount - paid.fee).deltas, [REWARD_POOL, paid.fee],
    [rec.renter.publicKey, balance - paid.amount + slash], [h.host, -slash],
  ];
}

function verifyClosed(world: RentalWorld, rec: LeaseRecord, before: View, after: View, slash = 0n): void {
  const h = world.hostAt(rec.hostIndex);
  same([after.account(rec.address)], [null], 'close: the lease account is gone');
  same([after.host(h.host)?.openLeases], [(before.host(h.host)?.openLeases ?? 0) - 1], 'close: host open leases');
  verifySettled(world, h, before, after, settlement(world, before.lease(rec.address)), slash);
}

async function close(world: RentalWorld, before: View, a: Extract<Action, { kind: 'close' }>): Promise<Draft> {
  const rec = world.leaseAt(a.lease, a.anyLease);
  const lease = before.lease(rec.address);
  const h = world.hostAt(rec.hostIndex);
  const signer = { renter: rec.renter, operator: h.operator, authority: world.authority, otherRenter: world.otherRenter(rec.renter) }[a.by];
  // The config authority tries to take the refund; another renter tries to force the close.
  const renter = a.by === 'authority' ? world.authority.publicKey : rec.renter.publicKey;
  const args = { signer: signer.publicKey, renter, host: h.host, lease: rec.address, owner: h.owner.publicKey };
  return {
    instructions: [await ix.closeLease(world.program, args)],
    signers: [signer],
    allowed: lease !== null && (a.by === 'renter' || (a.by === 'operator' && before.now >= lease.maxEnd)),
    lease: rec,
    deltas: closing(world, before, rec, 0n),
    verify: (after) => verifyClosed(world, rec, before, after),
  };
}

async function penalize(world: RentalWorld, before: View, a: Extract<Action, { kind: 'penalize' }>): Promise<Draft> {
  const rec = world.leaseAt(a.lease, a.anyLease);
  const lease = before.lease(rec.address);
  const h = world.hostAt(rec.hostIndex);
  const host = before.host(h.host);
  const caller = { stranger: world.stranger, renter: rec.renter, authority: world.authority }[a.caller];
  const renter = a.refundToRenter ? rec.renter.publicKey : caller.publicKey;
  const grace = BigInt(world.params.graceEpochs) * world.params.proofEpochSecs;
  const slash = bpsOf(host?.stake ?? 0n, BigInt(world.params.slashBps));
  const args = { caller: caller.publicKey, renter, host: h.host, lease: rec.address, owner: h.owner.publicKey };
  return {
    instructions: [await ix.penalizeHost(world.program, args)],
    signers: [caller],
    allowed: lease !== null && renter.equals(lease.renter) && min(before.now, lease.maxEnd) - lease.provenUntil > grace,
    lease: rec,
    deltas: closing(world, before, rec, slash),
    verify: (after) => {
      verifyClosed(world, rec, before, after, slash);
      same([after.host(h.host)?.status], ['Jailed'], 'penalize: host jailed');
    },
  };
}

async function fund(world: RentalWorld, before: View, a: Extract<Action, { kind: 'fund' }>): Promise<Draft> {
  return {
    instructions: [await ix.fundRewards(world.program, a.amount, { funder: world.funder.publicKey })],
    signers: [world.funder],
    allowed: a.amount > 0n,
    deltas: [[world.funder.publicKey, -a.amount], [REWARD_POOL, a.amount]],
    verify: (after) => same([after.pool().totalFunded], [before.pool().totalFunded + a.amount], 'fund: pool total'),
  };
}

/** Someone sends lamports to a host's payout address (the rent-exempt minimum, or dust). */
async function payOwner(world: RentalWorld, a: Extract<Action, { kind: 'payOwner' }>): Promise<Draft> {
  const owner = world.hostAt(a.host).owner.publicKey;
  const amount = a.dust ? 1n : world.rent.wallet;
  return {
    instructions: [SystemProgram.transfer({ fromPubkey: world.stranger.publicKey, toPubkey: owner, lamports: amount })],
    signers: [world.stranger],
    allowed: true,
    deltas: [[world.stranger.publicKey, -amount], [owner, amount]],
  };
}
