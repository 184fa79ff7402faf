/**
 * The program's semantics (escrow v2) as executable rules, for the property tests: for one
 * action in the current state, the transaction to send, whether the rules allow it, the
 * exact lamport change of every account if it succeeds, the fields it must have written,
 * and what the model (config, witness sets, alive epochs, books) learns from it.
 */
import * as assert from 'uvu/assert';
import { Keypair, PublicKey, SYSVAR_CLOCK_PUBKEY, SystemProgram } from '@solana/web3.js';
import type { TransactionInstruction } from '@solana/web3.js';
import { LIMITS, REWARD_POOL } from './chain.js';
import type { HostState, LeaseState } from './accounts.js';
import { SPEC_HASH, TERMS_HASH, hasLeaseAddress, leaseIdFrom, peerIdOf } from './fixtures.js';
import { attestationMessage, heartbeatMessage, receiptMessage, signed, termsMessage } from './messages.js';
import * as ix from './instructions.js';
import type { Action, ActionKind } from './rental-scenario.js';
import { addressText } from './rental-world.js';
import type { HostActor, LeaseRecord, RentalWorld, View } from './rental-world.js';
import { same } from './same.js';

const U64_MAX = 2n ** 64n - 1n;
const I64_MAX = 2n ** 63n - 1n;
/** Where the signature starts in an Ed25519 program instruction with one signature (16-byte header, 32-byte key). */
const ED25519_SIGNATURE_OFFSET = 48;

export type PlannedAction = Exclude<Action, { kind: 'advance' | 'rewardRun' | 'outage' | 'toGraceLimit' | 'toLeaseEnd' }>;

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
  /** the lease a proof is for */
  proves?: LeaseRecord;
  /** checks of the written fields after a success */
  verify: (after: View) => void;
  /** what the model learns from a success */
  apply: () => void;
}

/** floor(amount x bps / 10 000), bps capped at 10 000. */
export const bpsOf = (amount: bigint, bps: bigint) => (amount * (bps > 10_000n ? 10_000n : bps)) / 10_000n;
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

type Draft = Omit<Plan, 'kind' | 'label' | 'before' | 'deltas' | 'verify' | 'apply'> & {
  deltas?: [PublicKey, bigint][]; verify?: (after: View) => void; apply?: () => void;
};

/** The plan of `action` in the world's current state (read here, kept as `before`). */
export async function planAction(world: RentalWorld, action: PlannedAction): Promise<Plan> {
  // An open tracks its lease address first, so the state read below includes it.
  const opening = action.kind === 'open' ? plannedOpen(world, action) : undefined;
  const before = world.view();
  const draft = await draftOf(world, before, action, opening);
  const deltas = new Map<string, bigint>();
  for (const [address, delta] of draft.deltas ?? []) deltas.set(addressText(address), (deltas.get(addressText(address)) ?? 0n) + delta);
  const allowed = draft.allowed && walletsStayValid(world, before, deltas);
  return { ...draft, allowed, kind: action.kind, label: describe(action), before, deltas, verify: draft.verify ?? (() => {}), apply: draft.apply ?? (() => {}) };
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
  const host = world.hostAt(action.host);
  const renter = action.puppet ? host.puppet : world.renterAt(action.renter);
  const reused = action.reuseId ? world.leases.find((l) => l.renter.publicKey.equals(renter.publicKey)) : undefined;
  const leaseId = reused?.leaseId ?? (action.usableId ? leaseIdFrom(renter.publicKey, action.leaseId) : action.leaseId);
  const delegate = action.delegate ? world.delegateKey(renter, leaseId) : null;
  return world.plannedLease(renter, host.index, leaseId, action.rate, delegate, action.puppet ? host.index : undefined);
}

function draftOf(world: RentalWorld, before: View, action: PlannedAction, opening: LeaseRecord | undefined): Promise<Draft> {
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
    case 'heartbeat': return heartbeat(world, before, action);
    case 'settle': return settle(world, before, action);
    case 'close': return close(world, before, action);
    case 'penalize': return penalize(world, before, action);
    case 'fund': return fund(world, before, action);
    case 'payOwner': return payOwner(world, action);
    case 'updateConfig': return updateConfig(world, before, action);
  }
}

/** Owners register_host refuses: the runtime demotes sysvars and programs to read-only, and a read-only owner is refused as such. */
const cannotReceive = (h: HostActor) => h.ownerKind === 'sysvar' || h.ownerKind === 'program' || h.ownerKind === 'readonly';

/** Lamports sent to a host's owner: a donation when the owner is the pool or the config (outside their bookkeeping). */
function donate(world: RentalWorld, h: HostActor, amount: bigint): void {
  if (h.ownerKind === 'pool') world.donations.pool += amount;
  if (h.ownerKind === 'config') world.donations.config += amount;
}

/** The rent-exempt minimum of the owner's account (claim_rewards refuses to leave it below). */
function ownerMinimum(world: RentalWorld, h: HostActor): bigint {
  return h.ownerKind === 'pool' ? world.rent.pool : h.ownerKind === 'config' ? world.rent.config : world.rent.wallet;
}

async function register(world: RentalWorld, before: View, a: Extract<Action, { kind: 'register' }>): Promise<Draft> {
  const h = world.hostAt(a.host);
  const minStake = world.config.minHostStake;
  const stake = a.stake === 'below' ? minStake - 1n : a.stake === 'min' ? minStake : minStake + a.extra;
  const locked = world.rent.host + stake;
  const args = { peerId: peerIdOf(h.operator.publicKey), specHash: SPEC_HASH, stake };
  const instruction = await ix.registerHost(world.program, args, { operator: h.operator.publicKey, owner: h.owner, host: h.host });
  return {
    instructions: [h.ownerKind === 'readonly' ? ix.readonly(instruction, h.owner) : instruction],
    signers: [h.operator],
    allowed: before.host(h.host) === null && stake >= minStake && !cannotReceive(h),
    deltas: [[h.operator.publicKey, -locked], [h.host, locked]],
    verify: (after) => {
      const host = after.host(h.host) as HostState;
      assert.ok(host.operator.equals(h.operator.publicKey) && host.owner.equals(h.owner), 'register: operator and owner');
      same([host.status, host.stake, host.openLeases, host.registeredAt, host.payable, host.jailedUntil, host.slashBase, host.provenEpochs],
        ['Registered', stake, 0, before.now, 0n, 0n, 0n, 0n], 'register: fields');
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
    allowed: a.byOperator && host !== null && (host.status === 'Registered' || host.status === 'Inactive') && host.stake >= world.config.minHostStake,
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
  const jailOver = host?.status !== 'Jailed' || before.now >= (host?.jailedUntil ?? 0n);
  return {
    instructions: [await ix.withdrawStake(world.program, { operator: signer.publicKey, owner: h.owner, host: h.host })],
    signers: [signer],
    allowed: a.byOperator && host !== null && host.openLeases === 0 && host.status !== 'Active' && jailOver && stake > 0n,
    deltas: [[h.host, -stake], [h.owner, stake]],
    verify: (after) => {
      const status = host?.status === 'Jailed' ? 'Jailed' : 'Inactive';
      same([after.host(h.host)?.stake, after.host(h.host)?.status, after.host(h.host)?.payable], [0n, status, host?.payable], 'withdraw: stake, status, payable kept');
    },
    apply: () => donate(world, h, stake),
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
  const signer = a.by === 'operator' ? h.operator : a.by === 'owner' ? h.ownerKey ?? world.stranger : world.stranger;
  const owner = a.toOwner ? h.owner : world.stranger.publicKey;
  const amount = host?.payable ?? 0n;
  const authorized = host !== null && (signer.publicKey.equals(host.operator) || signer.publicKey.equals(host.owner));
  return {
    instructions: [await ix.claimRewards(world.program, { signer: signer.publicKey, owner, host: h.host })],
    signers: [signer],
    allowed: authorized && a.toOwner && amount > 0n && before.lamports(h.owner) + amount >= ownerMinimum(world, h),
    deltas: [[h.host, -amount], [h.owner, amount]],
    verify: (after) => {
      const claimed = after.host(h.host) as HostState;
      same([claimed.payable, claimed.stake, claimed.rewardsEarned, claimed.earned], [0n, host?.stake, host?.rewardsEarned, host?.earned], 'claim: payable paid, the rest kept');
    },
    apply: () => donate(world, h, amount),
  };
}

/** The quote's expiry the renter got (in the future, or already past). */
const QUOTE_SECS = 300n;

async function open(world: RentalWorld, before: View, a: Extract<Action, { kind: 'open' }>, rec: LeaseRecord): Promise<Draft> {
  const h = world.hostAt(rec.hostIndex);
  const host = before.host(h.host);
  const deposit = a.rate * a.durationSecs;
  const locked = world.rent.lease + deposit;
  const quoteExpiresAt = a.terms === 'expired' ? before.now - 1n : before.now + QUOTE_SECS;
  const delegate = rec.delegate?.publicKey ?? PublicKey.default;
  const args = { leaseId: rec.leaseId, rate: a.rate, durationSecs: a.durationSecs, quoteExpiresAt, delegate, termsHash: TERMS_HASH };
  const terms = { ...args, renter: rec.renter.publicKey, hostOperator: h.operator.publicKey };
  const signedTerms = {
    ...terms,
    ...(a.terms === 'changedRate' ? { rate: a.rate + 1n } : {}),
    ...(a.terms === 'changedDelegate' ? { delegate: world.stranger.publicKey } : {}),
  };
  const openIx = await ix.openLease(world.program, args, { renter: rec.renter.publicKey, host: h.host, lease: rec.address });
  const verifyIx = signed(a.terms === 'renterSigned' ? rec.renter : h.operator, termsMessage(signedTerms));
  const allowed = host?.status === 'Active' && a.terms === 'none' && a.rate > 0n && a.durationSecs > 0n && deposit <= U64_MAX &&
    before.now + a.durationSecs <= I64_MAX && before.account(rec.address) === null && hasLeaseAddress(rec.renter.publicKey, rec.leaseId);
  return {
    instructions: a.terms === 'missing' ? [openIx] : [verifyIx, openIx],
    signers: [rec.renter],
    allowed,
    lease: rec,
    deltas: [[rec.renter.publicKey, -locked], [rec.address, locked]],
    verify: (after) => {
      const lease = after.lease(rec.address) as LeaseState;
      assert.ok(lease.renter.equals(rec.renter.publicKey) && lease.host.equals(h.host) && lease.delegate.equals(delegate), 'open: renter, host, delegate');
      same(
        [lease.leaseId, lease.rate, lease.deposit, lease.start, lease.maxEnd, lease.provenUntil, lease.provenSecs, lease.settledSecs, lease.paid, lease.status,
          lease.feeBps, lease.graceEpochs, lease.bump],
        [rec.leaseId, a.rate, deposit, before.now, before.now + a.durationSecs, before.now, 0n, 0n, 0n, 'Open', world.config.feeBps, world.config.graceEpochs, 255],
        'open: lease fields, the fee and grace of the config in force',
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
      same([topped.deposit, topped.maxEnd, topped.feeBps, topped.graceEpochs], [(lease?.deposit ?? 0n) + amount, (lease?.maxEnd ?? 0n) + a.extraSecs, lease?.feeBps, lease?.graceEpochs],
        'top up: deposit and max end');
    },
  };
}

function verifyCoverage(rec: LeaseRecord, before: View, covered: { from: bigint; to: bigint }): (after: View) => void {
  return (after) => {
    const lease = before.lease(rec.address) as LeaseState;
    const proven = after.lease(rec.address) as LeaseState;
    same([proven.provenUntil, proven.provenSecs], [covered.to, lease.provenSecs + covered.to - covered.from], 'proof: only the covered time counts');
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
  const signer = {
    renter: rec.renter, delegate: rec.delegate ?? world.delegateKey(world.stranger, rec.leaseId), operator: h.operator, witness: world.witnessKeys[0] as Keypair,
  }[a.signer];
  const bySigner = signer.publicKey.equals(rec.renter.publicKey) || (rec.delegate !== null && signer.publicKey.equals(rec.delegate.publicKey));
  const verifyIx = signed(signer, receiptMessage(rec.address, a.tamper === 'forgedMessage' ? until - 1n : until));
  if (a.tamper === 'badSignature') verifyIx.data[ED25519_SIGNATURE_OFFSET] = (verifyIx.data[ED25519_SIGNATURE_OFFSET] ?? 0) ^ 0xff;
  const end = lease ? min(until, lease.maxEnd) : 0n;
  const hostBefore = before.host(h.host);
  return {
    instructions: a.tamper === 'missing' ? [post] : [verifyIx, post],
    signers: [],
    proves: rec,
    allowed: lease !== null && (a.tamper === 'none' || (a.tamper === 'wrongHost' && hostAccount.equals(h.host))) && bySigner && until <= now && end > lease.provenUntil,
    verify: (after) => {
      verifyCoverage(rec, before, { from: lease?.provenUntil ?? 0n, to: end })(after);
      const host = after.host(h.host) as HostState;
      same([host.provenEpochs, host.lastProofEpoch, host.rewardsEarned, host.payable, host.stake],
        [hostBefore?.provenEpochs, hostBefore?.lastProofEpoch, hostBefore?.rewardsEarned, hostBefore?.payable, hostBefore?.stake], 'receipt: counts for no epoch and no reward');
    },
  };
}

/** The witness an action names: one of the keys that are or may become witnesses, or a non-witness. */
const witnessOf = (world: RentalWorld, byWitness: boolean, index: number) =>
  (byWitness ? world.witnessKeys[index % world.witnessKeys.length] : world.nonWitness) as Keypair;

async function attest(world: RentalWorld, before: View, a: Extract<Action, { kind: 'attest' }>): Promise<Draft> {
  const rec = world.leaseAt(a.lease, a.anyLease);
  const lease = before.lease(rec.address);
  const h = world.hostAt(rec.hostIndex);
  const host = before.host(h.host);
  const L = world.config.proofEpochSecs;
  const epoch = max(0n, before.now / L - a.epochsBack);
  const witness = witnessOf(world, a.byWitness, a.witness);
  const other = world.hostAt(rec.hostIndex + 1);
  const operator = a.tamper === 'wrongOperator' && !other.operator.publicKey.equals(h.operator.publicKey) ? other.operator.publicKey : h.operator.publicKey;
  const signedLease = a.tamper === 'wrongLease' ? world.phantom.address : rec.address;
  const hostAccount = a.tamper === 'wrongHost' ? other.host : h.host;
  const post = await ix.postProof(world.program, { attestation: { epoch } }, { host: hostAccount, lease: rec.address });
  const lo = lease ? max(epoch * L, lease.provenUntil) : 0n;
  const hi = lease ? min((epoch + 1n) * L, lease.maxEnd) : 0n;
  const untampered = operator.equals(h.operator.publicKey) && signedLease.equals(rec.address) && hostAccount.equals(h.host);
  const counted = host !== null && epoch + 1n > host.lastProofEpoch;
  const rewarded = counted && host.status !== 'Jailed';
  const available = before.lamports(REWARD_POOL) > world.rent.pool ? before.lamports(REWARD_POOL) - world.rent.pool : 0n;
  const reward = rewarded ? min(bpsOf(available, BigInt(world.config.rewardBps)), world.config.epochReward) : 0n;
  return {
    instructions: [signed(witness, attestationMessage(operator, signedLease, epoch)), post],
    signers: [],
    proves: rec,
    allowed: lease !== null && untampered && world.isWitness(witness, before.now) && (epoch + 1n) * L <= before.now && hi > lo,
    deltas: [[REWARD_POOL, -reward], [h.host, reward]],
    verify: (after) => {
      verifyCoverage(rec, before, { from: lo, to: hi })(after);
      const proven = after.host(h.host) as HostState;
      const was = host as HostState;
      same(
        [proven.provenEpochs, proven.lastProofEpoch, proven.lastProofAt, proven.rewardsEarned, proven.payable],
        [was.provenEpochs + (counted ? 1n : 0n), counted ? epoch + 1n : was.lastProofEpoch, before.now, was.rewardsEarned + reward, was.payable + reward],
        'attestation: the first of an epoch counts and earns',
      );
      assert.ok(reward <= world.config.epochReward, `a reward of ${reward} is at most epoch_reward ${world.config.epochReward}`);
      same([after.pool().totalRewarded], [before.pool().totalRewarded + reward], 'attestation: pool rewarded total');
    },
    apply: () => {
      world.markAlive(epoch);
      if (counted) {
        const book = world.hostBooks[h.index];
        assert.ok(book && !book.rewards.has(epoch), `host ${h.index}: epoch ${epoch} is rewarded once`);
        book.rewards.set(epoch, reward);
      }
    },
  };
}

async function heartbeat(world: RentalWorld, before: View, a: Extract<Action, { kind: 'heartbeat' }>): Promise<Draft> {
  const L = world.config.proofEpochSecs;
  const epoch = max(0n, before.now / L - a.epochsBack);
  const witness = witnessOf(world, a.byWitness, a.witness);
  return {
    instructions: [signed(witness, heartbeatMessage(epoch)), await ix.witnessHeartbeat(world.program, epoch)],
    signers: [],
    allowed: world.isWitness(witness, before.now) && (epoch + 1n) * L <= before.now,
    apply: () => world.markAlive(epoch),
  };
}

/** What settling `lease` moves now: rate x newly proven seconds, the lease's own fee of it to the pool. */
function settlement(lease: LeaseState | null): { amount: bigint; fee: bigint } {
  const amount = lease ? lease.rate * (lease.provenSecs - lease.settledSecs) : 0n;
  return { amount, fee: bpsOf(amount, BigInt(lease?.feeBps ?? 0)) };
}

/** Whole epochs after proven_until and before min(now, max_end), seen alive by the witnesses, beyond the lease's grace. */
export function penalizable(world: RentalWorld, lease: LeaseState, now: bigint): boolean {
  const L = world.config.proofEpochSecs;
  const horizon = min(now, lease.maxEnd);
  if (horizon <= lease.provenUntil || lease.provenUntil < 0n) return false;
  const first = (lease.provenUntil + L - 1n) / L;
  if (horizon / L === 0n) return false;
  const last = horizon / L - 1n;
  return last >= first && world.aliveIn(first, last) > BigInt(lease.graceEpochs);
}

/** The slash of a penalty now: slash_bps of the stake at the first jailing, at most what is left. */
function slashOf(world: RentalWorld, host: HostState | null): bigint {
  if (!host) return 0n;
  const base = host.status === 'Jailed' ? host.slashBase : host.stake;
  return min(bpsOf(base, BigInt(world.config.slashBps)), host.stake);
}

function verifySettled(h: HostActor, before: View, after: View, paid: { amount: bigint; fee: bigint }, slash = 0n): void {
  const host = before.host(h.host) as HostState;
  const now = after.host(h.host) as HostState;
  same([now.earned, now.payable, now.stake], [host.earned + paid.amount - paid.fee, host.payable + paid.amount - paid.fee, host.stake - slash], 'settle: host earned, payable, stake');
  same([after.pool().totalFees, after.pool().totalSlashed], [before.pool().totalFees + paid.fee, before.pool().totalSlashed + slash], 'settle: pool fees and slashes');
}

async function settle(world: RentalWorld, before: View, a: Extract<Action, { kind: 'settle' }>): Promise<Draft> {
  const rec = world.leaseAt(a.lease, a.anyLease);
  const lease = before.lease(rec.address);
  const h = world.hostAt(rec.hostIndex);
  const paid = settlement(lease);
  return {
    instructions: [await ix.settleLease(world.program, { host: h.host, lease: rec.address })],
    signers: [],
    allowed: lease !== null,
    lease: rec,
    deltas: [[rec.address, -paid.amount], [h.host, paid.amount - paid.fee], [REWARD_POOL, paid.fee]],
    verify: (after) => {
      const settled = after.lease(rec.address) as LeaseState;
      same([settled.paid, settled.settledSecs], [(lease?.paid ?? 0n) + paid.amount, lease?.provenSecs], 'settle: paid and settled seconds');
      verifySettled(h, before, after, paid);
    },
  };
}

/** The lamport moves of closing a lease: a slash (if penalized) to the pool, settle, then everything left to the renter. */
function closing(before: View, rec: LeaseRecord, h: HostActor, slash: bigint): [PublicKey, bigint][] {
  const paid = settlement(before.lease(rec.address));
  const balance = before.lamports(rec.address);
  return [
    [rec.address, -balance], [h.host, paid.amount - paid.fee - slash], [REWARD_POOL, paid.fee + slash], [rec.renter.publicKey, balance - paid.amount],
  ];
}

function verifyClosed(world: RentalWorld, rec: LeaseRecord, before: View, after: View, penalty: { slash: bigint } | null): void {
  const h = world.hostAt(rec.hostIndex);
  same([after.account(rec.address)], [null], 'close: the lease account is gone');
  const host = after.host(h.host) as HostState;
  const was = before.host(h.host) as HostState;
  same([host.openLeases], [was.openLeases - 1], 'close: host open leases');
  verifySettled(h, before, after, settlement(before.lease(rec.address)), penalty?.slash ?? 0n);
  if (penalty) {
    same([host.status, host.jailedUntil, host.slashBase], ['Jailed', before.now + world.config.jailSecs, was.status === 'Jailed' ? was.slashBase : was.stake],
      'penalty: jailed from now for jail_secs, slash base the stake at the first jailing');
  } else {
    same([host.status, host.jailedUntil, host.slashBase], [was.status, was.jailedUntil, was.slashBase], 'close: no penalty');
  }
}

function applyPenalty(world: RentalWorld, h: HostActor, slash: bigint): void {
  const book = world.hostBooks[h.index];
  if (book) book.slashed += slash;
}

async function close(world: RentalWorld, before: View, a: Extract<Action, { kind: 'close' }>): Promise<Draft> {
  const rec = world.leaseAt(a.lease, a.anyLease);
  const lease = before.lease(rec.address);
  const h = world.hostAt(rec.hostIndex);
  const signer = { renter: rec.renter, operator: h.operator, authority: world.authority, otherRenter: world.otherRenter(rec.renter) }[a.by];
  // The config authority tries to take the refund; another renter tries to force the close.
  const renter = a.by === 'authority' ? world.authority.publicKey : rec.renter.publicKey;
  const byOperator = signer.publicKey.equals(h.operator.publicKey);
  const penalized = lease !== null && byOperator && penalizable(world, lease, before.now);
  const slash = penalized ? slashOf(world, before.host(h.host)) : 0n;
  const args = { signer: signer.publicKey, renter, host: h.host, lease: rec.address };
  return {
    instructions: [await ix.closeLease(world.program, args)],
    signers: [signer],
    allowed: lease !== null && renter.equals(rec.renter.publicKey) && (signer.publicKey.equals(rec.renter.publicKey) || byOperator),
    lease: rec,
    deltas: closing(before, rec, h, slash),
    verify: (after) => verifyClosed(world, rec, before, after, penalized ? { slash } : null),
    apply: () => applyPenalty(world, h, slash),
  };
}

async function penalize(world: RentalWorld, before: View, a: Extract<Action, { kind: 'penalize' }>): Promise<Draft> {
  const rec = world.leaseAt(a.lease, a.anyLease);
  const lease = before.lease(rec.address);
  const h = world.hostAt(rec.hostIndex);
  const caller = { stranger: world.stranger, renter: rec.renter, authority: world.authority, operator: h.operator }[a.caller];
  const renter = a.refundToRenter ? rec.renter.publicKey : caller.publicKey;
  const slash = slashOf(world, before.host(h.host));
  const args = { caller: caller.publicKey, renter, host: h.host, lease: rec.address };
  return {
    instructions: [await ix.penalizeHost(world.program, args)],
    signers: [caller],
    allowed: lease !== null && renter.equals(lease.renter) && penalizable(world, lease, before.now),
    lease: rec,
    deltas: closing(before, rec, h, slash),
    verify: (after) => verifyClosed(world, rec, before, after, { slash }),
    apply: () => applyPenalty(world, h, slash),
  };
}

async function fund(world: RentalWorld, before: View, a: Extract<Action, { kind: 'fund' }>): Promise<Draft> {
  return {
    instructions: [await ix.fundRewards(world.program, a.amount, { funder: world.funder.publicKey })],
    signers: [world.funder],
    allowed: a.amount > 0n && before.pool().totalFunded + a.amount <= U64_MAX,
    deltas: [[world.funder.publicKey, -a.amount], [REWARD_POOL, a.amount]],
    verify: (after) => same([after.pool().totalFunded], [before.pool().totalFunded + a.amount], 'fund: pool total'),
  };
}

/**
 * Someone sends lamports to a host's payout address (the rent-exempt minimum, or dust). An
 * owner register_host refused as unable to receive (a sysvar or a program) is aimed at a
 * sysvar, which no transfer can credit (the runtime demotes it to read-only).
 */
async function payOwner(world: RentalWorld, a: Extract<Action, { kind: 'payOwner' }>): Promise<Draft> {
  const h = world.hostAt(a.host);
  const amount = a.dust ? 1n : world.rent.wallet;
  const unpayable = h.ownerKind === 'sysvar' || h.ownerKind === 'program';
  const to = unpayable ? SYSVAR_CLOCK_PUBKEY : h.owner;
  return {
    instructions: [SystemProgram.transfer({ fromPubkey: world.stranger.publicKey, toPubkey: to, lamports: amount })],
    signers: [world.stranger],
    allowed: !unpayable,
    deltas: [[world.stranger.publicKey, -amount], [to, amount]],
    apply: () => {
      donate(world, h, amount);
      const book = world.hostBooks[h.index];
      if (book) book.gifts += amount;
    },
  };
}

async function updateConfig(world: RentalWorld, before: View, a: Extract<Action, { kind: 'updateConfig' }>): Promise<Draft> {
  const c = world.config;
  const rotated = c.next && c.nextAt !== 0n && before.now >= c.nextAt;
  const current = rotated ? (c.next as Keypair[]) : c.witnesses;
  const outsiders = world.witnessKeys.filter((k) => !current.some((w) => w.publicKey.equals(k.publicKey)));
  const witnesses = {
    same: current,
    rotate: outsiders[0] ? [...current.slice(0, -1), outsiders[0]] : current,
    grow: outsiders[0] && current.length < LIMITS.maxWitnesses ? [...current, outsiders[0]] : current,
    none: [],
  }[a.witnesses];
  const signer = a.byAuthority ? world.authority : world.stranger;
  const args = {
    feeBps: a.feeBps, minHostStake: c.minHostStake, graceEpochs: a.graceEpochs, slashBps: a.slashBps, rewardBps: a.rewardBps,
    epochReward: a.epochReward, jailSecs: a.jailSecs, witnesses: witnesses.map((w) => w.publicKey),
  };
  const inRange = a.feeBps <= LIMITS.maxBps && a.slashBps <= LIMITS.maxBps && a.rewardBps <= LIMITS.maxBps && a.graceEpochs >= LIMITS.minGraceEpochs &&
    a.graceEpochs <= LIMITS.maxGraceEpochs && a.jailSecs <= LIMITS.maxJailSecs && witnesses.length >= 1 && witnesses.length <= LIMITS.maxWitnesses;
  const unchanged = witnesses.length === current.length && witnesses.every((w, i) => w.publicKey.equals((current[i] as Keypair).publicKey));
  // The delay: the longer of the old and new grace, plus one epoch (program/src/instructions/update_config.rs).
  const delayEpochs = BigInt(Math.max(c.graceEpochs, a.graceEpochs) + 1);
  const nextAt = unchanged ? 0n : before.now + delayEpochs * c.proofEpochSecs;
  return {
    instructions: [await ix.updateConfig(world.program, args, { authority: signer.publicKey })],
    signers: [signer],
    allowed: a.byAuthority && inRange,
    verify: (after) => {
      const config = after.config();
      same([config.feeBps, config.graceEpochs, config.slashBps, config.rewardBps, config.epochReward, config.jailSecs, config.proofEpochSecs],
        [a.feeBps, a.graceEpochs, a.slashBps, a.rewardBps, a.epochReward, a.jailSecs, c.proofEpochSecs], 'update_config: parameters, the epoch length kept');
      same([config.nextWitnessesAt, config.nextWitnessCount], [nextAt, unchanged ? 0 : witnesses.length], 'update_config: the pending witness set');
      for (const rec of world.leases.filter((l) => l.open)) {
        const lease = after.lease(rec.address) as LeaseState;
        const was = before.lease(rec.address) as LeaseState;
        same([lease.feeBps, lease.graceEpochs], [was.feeBps, was.graceEpochs], 'update_config: an open lease keeps its fee and grace');
      }
    },
    apply: () => {
      if (rotated) c.witnesses = c.next as Keypair[];
      Object.assign(c, { feeBps: a.feeBps, graceEpochs: a.graceEpochs, slashBps: a.slashBps, rewardBps: a.rewardBps, epochReward: a.epochReward, jailSecs: a.jailSecs });
      c.next = unchanged ? null : witnesses;
      c.nextAt = nextAt;
    },
  };
}

