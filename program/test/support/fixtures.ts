/**
 * The parties of a rental and the steps to reach each state: a registered or active
 * host, an open lease, signed proofs. Each step asserts it succeeded.
 */
import { createHash } from 'node:crypto';
import { Keypair, PublicKey } from '@solana/web3.js';
import type { TransactionInstruction } from '@solana/web3.js';
import { attestationMessage, proofVerifyInstruction, receiptMessage, signProof } from '@decloud/sdk/chain/proofs';
import { PROGRAM_ID, expectOk } from './chain.js';
import type { Outcome, TestChain } from './chain.js';
import * as ix from './instructions.js';

export const hostAddress = (operator: PublicKey) =>
  PublicKey.findProgramAddressSync([Buffer.from('host'), operator.toBuffer()], PROGRAM_ID)[0];

const u64le = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return b; };
export const leaseSeeds = (renter: PublicKey, leaseId: bigint) => [Buffer.from('lease'), renter.toBuffer(), u64le(leaseId)];
export const leaseAddress = (renter: PublicKey, leaseId: bigint) => PublicKey.findProgramAddressSync(leaseSeeds(renter, leaseId), PROGRAM_ID)[0];

/** The first lease id from `from` whose address has `bump` (255: found at the first try). */
export function leaseIdWithBump(renter: PublicKey, bump: number, from = 1n): bigint {
  for (let id = from; ; id += 1n) {
    if (PublicKey.findProgramAddressSync(leaseSeeds(renter, id), PROGRAM_ID)[1] === bump) return id;
  }
}

/** libp2p identity multihash of an Ed25519 key: 0x00 0x24, then protobuf { Type: Ed25519, Data: key }. */
export const peerIdOf = (operator: PublicKey) => Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...operator.toBytes()]);
export const SPEC_HASH = createHash('sha256').update('4 vCPU, 8 GiB, 100 GiB').digest();
export const TERMS_HASH = createHash('sha256').update('quote #1').digest();

export interface HostParty { operator: Keypair; owner: Keypair; host: PublicKey }
export interface LeaseParty { renter: Keypair; lease: PublicKey; leaseId: bigint; rate: bigint; durationSecs: bigint }

/** A registered host; its owner (payout) address holds 1 SOL unless one is given. */
export async function registeredHost(chain: TestChain, stake = chain.params.minHostStake, owner = chain.wallet(1n)): Promise<HostParty> {
  const operator = chain.wallet();
  const host = hostAddress(operator.publicKey);
  const args = { peerId: peerIdOf(operator.publicKey), specHash: SPEC_HASH, stake };
  expectOk(chain.send([await ix.registerHost(chain.program, args, { operator: operator.publicKey, owner: owner.publicKey, host })], [operator]));
  return { operator, owner, host };
}

export async function activeHost(chain: TestChain, owner?: Keypair): Promise<HostParty> {
  const party = await registeredHost(chain, chain.params.minHostStake, owner);
  expectOk(chain.send([await ix.activateHost(chain.program, { operator: party.operator.publicKey, host: party.host })], [party.operator]));
  return party;
}

/** An open lease (1,000 lamports/s, 2 h) of an active host whose owner address holds nothing. */
export async function leaseOfEmptyOwner(chain: TestChain): Promise<{ host: HostParty; lease: LeaseParty; start: bigint }> {
  const host = await activeHost(chain, Keypair.generate());
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 7_200n });
  return { host, lease, start: chain.now() };
}

export interface LeaseOptions { rate?: bigint; durationSecs?: bigint; leaseId?: bigint; renter?: Keypair }

export function openLeaseInstruction(chain: TestChain, host: HostParty, lease: LeaseParty): Promise<TransactionInstruction> {
  const args = { leaseId: lease.leaseId, rate: lease.rate, durationSecs: lease.durationSecs, termsHash: TERMS_HASH };
  return ix.openLease(chain.program, args, { renter: lease.renter.publicKey, host: host.host, lease: lease.lease });
}

/** A lease's parties and arguments, not opened yet (default: 1,000 lamports/s for 2 hours, bump 255). */
export function plannedLease(chain: TestChain, options: LeaseOptions = {}): LeaseParty {
  const renter = options.renter ?? chain.wallet();
  const leaseId = options.leaseId ?? leaseIdWithBump(renter.publicKey, 255);
  const rate = options.rate ?? 1_000n;
  const durationSecs = options.durationSecs ?? 7_200n;
  return { renter, lease: leaseAddress(renter.publicKey, leaseId), leaseId, rate, durationSecs };
}

export async function openedLease(chain: TestChain, host: HostParty, options: LeaseOptions = {}): Promise<LeaseParty & { opened: Outcome }> {
  const lease = plannedLease(chain, options);
  const opened = expectOk(chain.send([await openLeaseInstruction(chain, host, lease)], [lease.renter]));
  return { ...lease, opened };
}

/** The Ed25519 instruction for `message` signed by `signer` (a Solana keypair). */
export const signed = (signer: Keypair, message: Uint8Array) =>
  proofVerifyInstruction(signProof(signer.secretKey, signer.publicKey, message));

/** [Ed25519 verify of the renter's receipt, post_proof]: what a host sends. */
export async function receiptProof(chain: TestChain, host: HostParty, lease: LeaseParty, until: bigint, signer = lease.renter): Promise<TransactionInstruction[]> {
  const post = await ix.postProof(chain.program, { receipt: { until } }, { host: host.host, lease: lease.lease });
  return [signed(signer, receiptMessage(lease.lease, until)), post];
}

/** [Ed25519 verify of a witness's attestation, post_proof]. */
export async function attestationProof(chain: TestChain, host: HostParty, lease: LeaseParty, epoch: bigint, witness = chain.witnesses[0] as Keypair): Promise<TransactionInstruction[]> {
  const post = await ix.postProof(chain.program, { attestation: { epoch } }, { host: host.host, lease: lease.lease });
  return [signed(witness, attestationMessage(host.operator.publicKey, epoch)), post];
}

export const settleInstruction = (chain: TestChain, host: HostParty, lease: LeaseParty) =>
  ix.settleLease(chain.program, { host: host.host, lease: lease.lease, owner: host.owner.publicKey });

export const closeInstruction = (chain: TestChain, host: HostParty, lease: LeaseParty, signer: PublicKey = lease.renter.publicKey) =>
  ix.closeLease(chain.program, { signer, renter: lease.renter.publicKey, host: host.host, lease: lease.lease, owner: host.owner.publicKey });

export const penalizeInstruction = (chain: TestChain, host: HostParty, lease: LeaseParty, caller: PublicKey) =>
  ix.penalizeHost(chain.program, { caller, renter: lease.renter.publicKey, host: host.host, lease: lease.lease, owner: host.owner.publicKey });

/** The clock just past the lease's grace period: proofs lag more than grace_epochs x L. */
export function warpPastGrace(chain: TestChain, provenUntil: bigint): void {
  chain.warp(provenUntil + BigInt(chain.params.graceEpochs) * chain.params.proofEpochSecs + 1n);
}

/** A host jailed by penalize_host on a lease it never proved; the lease is closed. */
export async function jailedHost(chain: TestChain): Promise<HostParty> {
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host);
  warpPastGrace(chain, chain.now());
  const caller = chain.wallet(1n);
  expectOk(chain.send([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller]));
  return host;
}
