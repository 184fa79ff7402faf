/**
 * Typed client of the DeCloud program over @coral-xyz/anchor and @solana/web3.js v1.
 * Every write returns the transaction signature and throws `DecloudProgramError` (with the
 * program's error name and message) when the program refuses it, in preflight or on-chain.
 * Transactions are sent and confirmed here rather than by anchor's `rpc()`: anchor 0.32 loses
 * the error and the logs of a transaction that fails on-chain (it builds web3.js 1.98's
 * SendTransactionError with an outdated signature: "Unknown action 'undefined'").
 */
import anchor from '@coral-xyz/anchor';
import type { AnchorProvider, BN, Program } from '@coral-xyz/anchor';
import {
  type Connection, type Keypair, PublicKey, SystemProgram, SYSVAR_INSTRUCTIONS_PUBKEY, Transaction, type TransactionInstruction,
} from '@solana/web3.js';
import { randomBytes } from 'node:crypto';
import { IDL, type Decloud } from './idl.js';
import { configAddress, hostAddress, hostAddressAndBump, leaseAddress, leaseAddressAndBump, rewardPoolAddress } from './addresses.js';
import {
  type ConfigAccount, type HostAccount, type LeaseAccount, type Located, type RewardPoolAccount,
  HOST_OPERATOR_OFFSET, LEASE_HOST_OFFSET, LEASE_RENTER_OFFSET, withBigints,
} from './accounts.js';
import { type SignedProof, proofVerifyInstruction } from './proofs.js';
import { programErrorOfStatus, withProgramErrors } from './errors.js';

// Anchor is CommonJS: its classes come through the default export under Node's ESM.
const bn = (n: bigint | number): BN => new anchor.BN(n.toString());

export interface InitializeParams {
  feeBps: number; minHostStake: bigint; proofEpochSecs: bigint; graceEpochs: number;
  slashBps: number; rewardBps: number; witnesses: PublicKey[];
}
export interface RegisterHostParams { owner: PublicKey; peerId: Uint8Array; specHash: Uint8Array; stake: bigint }
export interface OpenLeaseParams { hostOperator: PublicKey; rate: bigint; durationSecs: bigint; termsHash: Uint8Array; leaseId?: bigint }

/** What anchor's methods builder gives: the instruction, built from the IDL. */
interface InstructionBuilder { instruction(): Promise<TransactionInstruction> }

export class DecloudChain {
  readonly program: Program<Decloud>;
  readonly config: PublicKey;
  readonly rewardPool: PublicKey;

  constructor(readonly provider: AnchorProvider) {
    this.program = new anchor.Program<Decloud>(IDL, provider);
    this.config = configAddress(this.program.programId);
    this.rewardPool = rewardPoolAddress(this.program.programId);
  }

  static fromKeypair(connection: Connection, keypair: Keypair): DecloudChain {
    return new DecloudChain(new anchor.AnchorProvider(connection, new anchor.Wallet(keypair), { commitment: 'confirmed' }));
  }

  get connection(): Connection { return this.provider.connection; }
  get wallet(): PublicKey { return this.provider.wallet.publicKey; }
  hostAddress(operator: PublicKey): PublicKey { return hostAddress(operator, this.program.programId); }
  leaseAddress(renter: PublicKey, leaseId: bigint): PublicKey { return leaseAddress(renter, leaseId, this.program.programId); }

  // ── reads ────────────────────────────────────────────────────────────────
  async fetchConfig(): Promise<ConfigAccount> { return withBigints(await this.program.account.config.fetch(this.config)); }
  async fetchRewardPool(): Promise<RewardPoolAccount> { return withBigints(await this.program.account.rewardPool.fetch(this.rewardPool)); }
  async fetchHost(operator: PublicKey): Promise<HostAccount | null> {
    const raw = await this.program.account.host.fetchNullable(this.hostAddress(operator));
    return raw ? withBigints(raw) : null;
  }
  async fetchLease(lease: PublicKey): Promise<LeaseAccount | null> {
    const raw = await this.program.account.lease.fetchNullable(lease);
    return raw ? withBigints(raw) : null;
  }
  async listHosts(operator?: PublicKey): Promise<Located<HostAccount>[]> {
    const filters = operator ? [{ memcmp: { offset: HOST_OPERATOR_OFFSET, bytes: operator.toBase58() } }] : [];
    return (await this.program.account.host.all(filters)).map((h) => ({ address: h.publicKey, account: withBigints(h.account) }));
  }
  async listLeases(by: { renter?: PublicKey; host?: PublicKey } = {}): Promise<Located<LeaseAccount>[]> {
    const filters = [
      ...(by.renter ? [{ memcmp: { offset: LEASE_RENTER_OFFSET, bytes: by.renter.toBase58() } }] : []),
      ...(by.host ? [{ memcmp: { offset: LEASE_HOST_OFFSET, bytes: by.host.toBase58() } }] : []),
    ];
    return (await this.program.account.lease.all(filters)).map((l) => ({ address: l.publicKey, account: withBigints(l.account) }));
  }

  // ── writes ───────────────────────────────────────────────────────────────
  initialize(p: InitializeParams): Promise<string> {
    return this.sendBuilt(this.program.methods
      .initialize(p.feeBps, bn(p.minHostStake), bn(p.proofEpochSecs), p.graceEpochs, p.slashBps, p.rewardBps, p.witnesses)
      .accountsPartial({ authority: this.wallet, config: this.config, rewardPool: this.rewardPool, systemProgram: SystemProgram.programId }));
  }

  fundRewards(amount: bigint): Promise<string> {
    return this.sendBuilt(this.program.methods.fundRewards(bn(amount))
      .accountsPartial({ funder: this.wallet, config: this.config, rewardPool: this.rewardPool, systemProgram: SystemProgram.programId }));
  }

  registerHost(p: RegisterHostParams): Promise<string> {
    const [host, bump] = hostAddressAndBump(this.wallet, this.program.programId);
    return this.sendBuilt(this.program.methods.registerHost(Array.from(p.peerId), Array.from(p.specHash), bn(p.stake), bump)
      .accountsPartial({ operator: this.wallet, owner: p.owner, config: this.config, host, systemProgram: SystemProgram.programId }));
  }

  activateHost(): Promise<string> {
    return this.sendBuilt(this.program.methods.activateHost()
      .accountsPartial({ operator: this.wallet, config: this.config, host: this.hostAddress(this.wallet) }));
  }

  deactivateHost(): Promise<string> {
    return this.sendBuilt(this.program.methods.deactivateHost()
      .accountsPartial({ operator: this.wallet, host: this.hostAddress(this.wallet) }));
  }

  /** Opens a lease with the connected wallet as renter; returns its address and id. */
  async openLease(p: OpenLeaseParams): Promise<{ lease: PublicKey; leaseId: bigint; signature: string }> {
    const leaseId = p.leaseId ?? randomBytes(8).readBigUInt64LE();
    const [lease, bump] = leaseAddressAndBump(this.wallet, leaseId, this.program.programId);
    const signature = await this.sendBuilt(this.program.methods
      .openLease(bn(leaseId), bn(p.rate), bn(p.durationSecs), Array.from(p.termsHash), bump)
      .accountsPartial({
        renter: this.wallet, config: this.config, host: this.hostAddress(p.hostOperator), lease, systemProgram: SystemProgram.programId,
      }));
    return { lease, leaseId, signature };
  }

  topUpLease(lease: PublicKey, extraSecs: bigint): Promise<string> {
    return this.sendBuilt(this.program.methods.topUpLease(bn(extraSecs))
      .accountsPartial({ renter: this.wallet, lease, systemProgram: SystemProgram.programId }));
  }

  /** Posts a renter's receipt (signed `receiptMessage(lease, until)`). */
  postReceipt(lease: PublicKey, hostOperator: PublicKey, until: bigint, proof: SignedProof): Promise<string> {
    return this.postProof(lease, hostOperator, { receipt: { until: bn(until) } }, proof);
  }

  /** Posts a witness's attestation (signed `attestationMessage(operator, epoch)`) for one lease of that host. */
  postAttestation(lease: PublicKey, hostOperator: PublicKey, epoch: bigint, proof: SignedProof): Promise<string> {
    return this.postProof(lease, hostOperator, { attestation: { epoch: bn(epoch) } }, proof);
  }

  private async postProof(
    lease: PublicKey, hostOperator: PublicKey,
    proof: { receipt: { until: BN } } | { attestation: { epoch: BN } }, signed: SignedProof,
  ): Promise<string> {
    const ix = await this.program.methods.postProof(proof as never)
      .accountsPartial({ config: this.config, host: this.hostAddress(hostOperator), lease, instructions: SYSVAR_INSTRUCTIONS_PUBKEY })
      .instruction();
    return this.send([proofVerifyInstruction(signed), ix]);
  }

  async settle(lease: PublicKey): Promise<string> {
    const { host, owner } = await this.leaseParties(lease);
    return this.sendBuilt(this.program.methods.settleLease()
      .accountsPartial({ config: this.config, host, lease, owner, rewardPool: this.rewardPool }));
  }

  async closeLease(lease: PublicKey): Promise<string> {
    const { host, owner, renter } = await this.leaseParties(lease);
    return this.sendBuilt(this.program.methods.closeLease()
      .accountsPartial({ signer: this.wallet, renter, config: this.config, host, lease, owner, rewardPool: this.rewardPool }));
  }

  async penalize(lease: PublicKey): Promise<string> {
    const { host, owner, renter } = await this.leaseParties(lease);
    return this.sendBuilt(this.program.methods.penalizeHost()
      .accountsPartial({ caller: this.wallet, renter, config: this.config, host, lease, owner, rewardPool: this.rewardPool }));
  }

  async claimRewards(): Promise<string> {
    const host = await this.requireHost(this.wallet);
    return this.sendBuilt(this.program.methods.claimRewards()
      .accountsPartial({ operator: this.wallet, owner: host.owner, config: this.config, host: this.hostAddress(this.wallet), rewardPool: this.rewardPool }));
  }

  async withdrawStake(): Promise<string> {
    const host = await this.requireHost(this.wallet);
    return this.sendBuilt(this.program.methods.withdrawStake()
      .accountsPartial({ operator: this.wallet, owner: host.owner, host: this.hostAddress(this.wallet) }));
  }

  /** Moves `lamports` from the connected wallet (the operator) into its host's stake. */
  addStake(lamports: bigint): Promise<string> {
    return this.sendBuilt(this.program.methods.addStake(bn(lamports))
      .accountsPartial({ operator: this.wallet, host: this.hostAddress(this.wallet), systemProgram: SystemProgram.programId }));
  }

  /** Sends instructions in one transaction signed by the wallet and waits for its confirmation. */
  send(instructions: TransactionInstruction[]): Promise<string> {
    return withProgramErrors(() => this.sendAndConfirm(new Transaction().add(...instructions)));
  }

  private async sendBuilt(builder: InstructionBuilder): Promise<string> {
    return this.send([await builder.instruction()]);
  }

  /** Preflight failures throw web3.js's SendTransactionError (with logs); on-chain failures become the program's error here. */
  private async sendAndConfirm(tx: Transaction): Promise<string> {
    const { connection, opts } = this.provider;
    const latest = await connection.getLatestBlockhash(opts.preflightCommitment ?? opts.commitment);
    tx.feePayer = this.wallet;
    tx.recentBlockhash = latest.blockhash;
    const signed = await this.provider.wallet.signTransaction(tx);
    const signature = await connection.sendRawTransaction(signed.serialize(), {
      skipPreflight: opts.skipPreflight, preflightCommitment: opts.preflightCommitment ?? opts.commitment, maxRetries: opts.maxRetries,
    });
    const { value } = await connection.confirmTransaction({ signature, ...latest }, opts.commitment);
    if (value.err === null) return signature;
    const failed = await connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    throw programErrorOfStatus(value.err, failed?.meta?.logMessages ?? [])
      ?? new Error(`transaction ${signature} failed on-chain: ${JSON.stringify(value.err)}`);
  }

  private async requireHost(operator: PublicKey): Promise<HostAccount> {
    const host = await this.fetchHost(operator);
    if (!host) throw new Error(`no host registered for operator ${operator.toBase58()}: run decloud-node init`);
    return host;
  }

  private async leaseParties(lease: PublicKey): Promise<{ host: PublicKey; owner: PublicKey; renter: PublicKey }> {
    const account = await this.fetchLease(lease);
    if (!account) throw new Error(`lease ${lease.toBase58()} not found: it was closed or never opened`);
    const host = await this.program.account.host.fetch(account.host);
    return { host: account.host, owner: host.owner, renter: account.renter };
  }
}
