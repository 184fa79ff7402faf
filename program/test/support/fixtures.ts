/**
 * The parties of a rental and the steps to reach each state (escrow v2): a registered or
 * active host, a lease opened on terms its operator signed, signed receipts, attestations
 * and witness heartbeats, a host made penalizable. Each step asserts it succeeded.
 */
import { createHash } from 'node:crypto';
import { Keypair, PublicKey } from '@solana/web3.js';
import type { TransactionInstruction } from '@solana/web3.js';
import { PROGRAM_ID, TestChain, expectOk } from './chain.js';
import type { Outcome } from './chain.js';
import { readLease } from './accounts.js';
import { attestationMessage, heartbeatMessage, receiptMessage, signed, termsMessage } from './messages.js';
import type { LeaseTerms } from './messages.js';
import * as ix from './instructions.js';

export { signed } from './messages.js';

export const hostSeeds = (operator: PublicKey) => [Buffer.from('host'), operator.toBuffer()];
/** The operator's host address (canonical bump, the only one register_host accepts). */
export const hostAddress = (operator: PublicKey) => PublicKey.findProgramAddressSync(hostSeeds(operator), PROGRAM_ID)[0];

const u64le = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return b; };
export const leaseSeeds = (renter: PublicKey, leaseId: bigint) => [Buffer.from('lease'), renter.toBuffer(), u64le(leaseId)];
/** The only bump open_lease accepts. */
export const LEASE_BUMP = 255;

/** The lease address of (renter, lease id): bump 255 only; throws when that address is on the curve (no lease can have that id). */
export const leaseAddress = (renter: PublicKey, leaseId: bigint) =>
  PublicKey.createProgramAddressSync([...leaseSeeds(renter, leaseId), Buffer.from([LEASE_BUMP])], PROGRAM_ID);

export function hasLeaseAddress(renter: PublicKey, leaseId: bigint): boolean {
  try {
    leaseAddress(renter, leaseId);
    return true;
  } catch {
    return false;
  }
}

/** The first lease id from `from` that has a bump-255 address (about half of them do). */
export function leaseIdFrom(renter: PublicKey, from = 1n): bigint {
  for (let id = from; ; id += 1n) if (hasLeaseAddress(renter, id)) return id;
}

/** The first lease id from `from` whose bump-255 address is on the curve: open_lease refuses it. */
export function leaseIdWithoutAddress(renter: PublicKey, from = 1n): bigint {
  for (let id = from; ; id += 1n) if (!hasLeaseAddress(renter, id)) return id;
}

/** libp2p identity multihash of an Ed25519 key: 0x00 0x24, then protobuf { Type: Ed25519, Data: key }. */
export const peerIdOf = (operator: PublicKey) => Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...operator.toBytes()]);
export const SPEC_HASH = createHash('sha256').update('4 vCPU, 8 GiB, 100 GiB').digest();
export const TERMS_HASH = createHash('sha256').update('quote #1').digest();
/** No delegate: the all-zero key. */
export const NO_DELEGATE = PublicKey.default;
/** How long a quote stays valid after it is planned, by default. */
export const QUOTE_SECS = 300n;

/** A host: its operator (signs), its payout address `owner`, and the owner's key when the test holds it. */
export interface HostParty { operator: Keypair; owner: PublicKey; ownerKey?: Keypair; host: PublicKey }

export interface LeaseParty {
  renter: Keypair; lease: PublicKey; leaseId: bigint; rate: bigint; durationSecs: bigint;
  quoteExpiresAt: bigint; delegate: Keypair | null; termsHash: Uint8Array;
}

export interface HostOptions { stake?: bigint; owner?: Keypair | PublicKey; operator?: Keypair }

export function registerInstruction(chain: TestChain, operator: PublicKey, owner: PublicKey, stake = chain.params.minHostStake): Promise<TransactionInstruction> {
  const args = { peerId: peerIdOf(operator), specHash: SPEC_HASH, stake };
  return ix.registerHost(chain.program, args, { operator, owner, host: hostAddress(operator) });
}

/** A registered host; its owner (payout) address holds 1 SOL unless one is given. */
export async function registeredHost(chain: TestChain, options: HostOptions = {}): Promise<HostParty> {
  const operator = options.operator ?? chain.wallet();
  const given = options.owner ?? chain.wallet(1n);
  const [owner, ownerKey] = given instanceof Keypair ? [given.publicKey, given] : [given, undefined];
  expectOk(chain.send([await registerInstruction(chain, operator.publicKey, owner, options.stake)], [operator]));
  return { operator, owner, ownerKey, host: hostAddress(operator.publicKey) };
}

export const activateInstruction = (chain: TestChain, host: HostParty) =>
  ix.activateHost(chain.program, { operator: host.operator.publicKey, host: host.host });

export async function activeHost(chain: TestChain, options: HostOptions = {}): Promise<HostParty> {
  const party = await registeredHost(chain, options);
  expectOk(chain.send([await activateInstruction(chain, party)], [party.operator]));
  return party;
}

export interface LeaseOptions {
  rate?: bigint; durationSecs?: bigint; leaseId?: bigint; renter?: Keypair; delegate?: Keypair | null; quoteExpiresAt?: bigint; termsHash?: Uint8Array;
}

/** A lease's parties and arguments, not opened yet (default: 1,000 lamports/s for 2 hours, no delegate, a quote valid 5 minutes). */
export function plannedLease(chain: TestChain, options: LeaseOptions = {}): LeaseParty {
  const renter = options.renter ?? chain.wallet();
  const leaseId = options.leaseId ?? leaseIdFrom(renter.publicKey);
  return {
    renter, leaseId, lease: leaseAddress(renter.publicKey, leaseId), rate: options.rate ?? 1_000n, durationSecs: options.durationSecs ?? 7_200n,
    quoteExpiresAt: options.quoteExpiresAt ?? chain.now() + QUOTE_SECS, delegate: options.delegate ?? null, termsHash: options.termsHash ?? TERMS_HASH,
  };
}

export const delegateOf = (lease: LeaseParty) => lease.delegate?.publicKey ?? NO_DELEGATE;

/** The terms of `lease` with `host`, as its operator signs them. */
export const termsOf = (host: HostParty, lease: LeaseParty): LeaseTerms => ({
  renter: lease.renter.publicKey, hostOperator: host.operator.publicKey, leaseId: lease.leaseId, rate: lease.rate, durationSecs: lease.durationSecs,
  quoteExpiresAt: lease.quoteExpiresAt, delegate: delegateOf(lease), termsHash: lease.termsHash,
});

export const openArgs = (lease: LeaseParty): ix.OpenArgs => ({
  leaseId: lease.leaseId, rate: lease.rate, durationSecs: lease.durationSecs, quoteExpiresAt: lease.quoteExpiresAt, delegate: delegateOf(lease), termsHash: lease.termsHash,
});

export interface OpenOptions {
  /** who signs the terms (default the host operator) */
  signer?: Keypair;
  /** terms fields signed differently from the instruction's arguments */
  signedTerms?: Partial<LeaseTerms>;
  /** instruction arguments different from the lease's */
  args?: Partial<ix.OpenArgs>;
  accounts?: Partial<Record<'renter' | 'host' | 'lease' | 'config' | 'systemProgram' | 'instructions', PublicKey>>;
}

/** [Ed25519 verify of the operator's signature over the terms, open_lease]: what a renter sends. */
export async function openLeaseInstructions(chain: TestChain, host: HostParty, lease: LeaseParty, options: OpenOptions = {}): Promise<TransactionInstruction[]> {
  const verify = signed(options.signer ?? host.operator, termsMessage({ ...termsOf(host, lease), ...options.signedTerms }));
  const open = await ix.openLease(chain.program, { ...openArgs(lease), ...options.args }, {
    renter: lease.renter.publicKey, host: host.host, lease: lease.lease, ...options.accounts,
  });
  return [verify, open];
}

export async function openedLease(chain: TestChain, host: HostParty, options: LeaseOptions = {}): Promise<LeaseParty & { opened: Outcome }> {
  const lease = plannedLease(chain, options);
  const opened = expectOk(chain.send(await openLeaseInstructions(chain, host, lease), [lease.renter]));
  return { ...lease, opened };
}

/** A new chain with an active host and an open lease whose first 600 s ran, proven up to `unproven` s before now by a receipt. */
export async function provenRental(unproven = 0n): Promise<{ chain: TestChain; host: HostParty; lease: LeaseParty }> {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host);
  chain.advance(600n);
  expectOk(chain.send(await receiptProof(chain, host, lease, chain.now() - unproven)));
  return { chain, host, lease };
}

/** An open lease (1,000 lamports/s, 2 h) of an active host whose owner address holds nothing. */
export async function leaseOfEmptyOwner(chain: TestChain): Promise<{ host: HostParty; lease: LeaseParty; start: bigint }> {
  const host = await activeHost(chain, { owner: Keypair.generate() });
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 7_200n });
  return { host, lease, start: chain.now() };
}

/** [Ed25519 verify of the renter's (or `signer`'s) receipt, post_proof]: what a host sends. */
export async function receiptProof(chain: TestChain, host: HostParty, lease: LeaseParty, until: bigint, signer = lease.renter): Promise<TransactionInstruction[]> {
  const post = await ix.postProof(chain.program, { receipt: { until } }, { host: host.host, lease: lease.lease });
  return [signed(signer, receiptMessage(lease.lease, until)), post];
}

export interface AttestationOptions { witness?: Keypair; signedOperator?: PublicKey; signedLease?: PublicKey }

/** [Ed25519 verify of a witness's attestation of this lease of this host in `epoch`, post_proof]. */
export async function attestationProof(chain: TestChain, host: HostParty, lease: LeaseParty, epoch: bigint, options: AttestationOptions = {}): Promise<TransactionInstruction[]> {
  const post = await ix.postProof(chain.program, { attestation: { epoch } }, { host: host.host, lease: lease.lease });
  const message = attestationMessage(options.signedOperator ?? host.operator.publicKey, options.signedLease ?? lease.lease, epoch);
  return [signed(options.witness ?? (chain.witnesses[0] as Keypair), message), post];
}

/** [Ed25519 verify of a witness's heartbeat for `epoch`, witness_heartbeat]. */
export async function heartbeatInstructions(chain: TestChain, epoch: bigint, witness = chain.witnesses[0] as Keypair): Promise<TransactionInstruction[]> {
  return [signed(witness, heartbeatMessage(epoch)), await ix.witnessHeartbeat(chain.program, epoch)];
}

/** Posts a heartbeat for every epoch in first..=last (all must have ended). */
export async function postHeartbeats(chain: TestChain, first: bigint, last: bigint, witness = chain.witnesses[0] as Keypair): Promise<void> {
  for (let epoch = first; epoch <= last; epoch += 1n) expectOk(chain.send(await heartbeatInstructions(chain, epoch, witness)));
}

export const settleInstruction = (chain: TestChain, host: HostParty, lease: LeaseParty) =>
  ix.settleLease(chain.program, { host: host.host, lease: lease.lease });

export const closeInstruction = (chain: TestChain, host: HostParty, lease: LeaseParty, signer: PublicKey = lease.renter.publicKey) =>
  ix.closeLease(chain.program, { signer, renter: lease.renter.publicKey, host: host.host, lease: lease.lease });

export const penalizeInstruction = (chain: TestChain, host: HostParty, lease: LeaseParty, caller: PublicKey) =>
  ix.penalizeHost(chain.program, { caller, renter: lease.renter.publicKey, host: host.host, lease: lease.lease });

export const claimInstruction = (chain: TestChain, host: HostParty, signer: PublicKey = host.operator.publicKey) =>
  ix.claimRewards(chain.program, { signer, owner: host.owner, host: host.host });

export const withdrawInstruction = (chain: TestChain, host: HostParty) =>
  ix.withdrawStake(chain.program, { operator: host.operator.publicKey, owner: host.owner, host: host.host });

export const deactivateInstruction = (chain: TestChain, host: HostParty) =>
  ix.deactivateHost(chain.program, { operator: host.operator.publicKey, host: host.host });

/** The first epoch that starts at or after `time` (the first whole epoch a lease proven until `time` can miss). */
export const firstWholeEpoch = (chain: TestChain, time: bigint) => (time + chain.params.proofEpochSecs - 1n) / chain.params.proofEpochSecs;

/**
 * Makes `lease` penalizable with the fewest epochs: grace_epochs + 1 whole epochs after its
 * proven_until, each marked alive by a witness heartbeat, the clock at the end of the last one.
 */
export async function makePenalizable(chain: TestChain, lease: LeaseParty, extraEpochs = 0n): Promise<void> {
  const state = readLease(chain, lease.lease);
  const L = chain.params.proofEpochSecs;
  const first = firstWholeEpoch(chain, state.provenUntil);
  const last = first + BigInt(state.graceEpochs) + extraEpochs;
  if ((last + 1n) * L > state.maxEnd) throw new Error('makePenalizable: the lease ends before grace + 1 whole epochs');
  if (chain.now() < (last + 1n) * L) chain.warp((last + 1n) * L);
  await postHeartbeats(chain, first, last);
}

/** A host jailed by penalize_host on a lease it never proved; the lease is closed. */
export async function jailedHost(chain: TestChain, options: HostOptions = {}): Promise<HostParty> {
  const host = await activeHost(chain, options);
  const lease = await openedLease(chain, host);
  await makePenalizable(chain, lease);
  const caller = chain.wallet(1n);
  expectOk(chain.send([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller]));
  return host;
}
