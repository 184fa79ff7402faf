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
  type Connection, type Keypair, type PublicKey, SystemProgram, SYSVAR_INSTRUCTIONS_PUBKEY, Transaction, type TransactionInstruction,
} from '@solana/web3.js';
import { verifySolanaSignature } from '../identity/signatures.js';
import { IDL, type Decloud } from './idl.js';
import { configAddress, hostAddress, leaseAddress, programDataAddress, rewardPoolAddress } from './addresses.js';
import {
  ACCOUNT_LAYOUTS, type ConfigAccount, type HostAccount, type LeaseAccount, type Located, type RewardPoolAccount, withBigints,
} from './accounts.js';
import { type LeaseTerms, type SignedProof, proofVerifyInstruction, termsMessage } from './proofs.js';
import { programErrorOfStatus, withProgramErrors } from './errors.js';

// Anchor is CommonJS: its classes come through the default export under Node's ESM.
const bn = (n: bigint | number): BN => new anchor.BN(n.toString());

export interface InitializeParams {
  feeBps: number; minHostStake: bigint; proofEpochSecs: bigint; graceEpochs: number;
  slashBps: number; rewardBps: number; epochReward: bigint; jailSecs: bigint; witnesses: PublicKey[];
}
export type UpdateConfigParams = Omit<InitializeParams, 'proofEpochSecs'>;
export interface RegisterHostParams { owner: PublicKey; peerId: Uint8Array; specHash: Uint8Array; stake: bigint }
/** The host-signed terms (the connected wallet is the renter) and the host operator's signature over their termsMessage. */
export type OpenLeaseParams = Omit<LeaseTerms, 'renter'> & { hostSignature: Uint8Array };

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
  /** Throws for an id without a bump-255 address (see newLeaseId). */
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
    const filters = operator ? [{ memcmp: { offset: ACCOUNT_LAYOUTS.host.offsets.operator, bytes: operator.toBase58() } }] : [];
    return (await this.program.account.host.all(filters)).map((h) => ({ address: h.publicKey, account: withBigints(h.account) }));
  }
  async listLeases(by: { renter?: PublicKey; host?: PublicKey } = {}): Promise<Located<LeaseAccount>[]> {
    const filters = [
      ...(by.renter ? [{ memcmp: { offset: ACCOUNT_LAYOUTS.lease.offsets.renter, bytes: by.renter.toBase58() } }] : []),
      ...(by.host ? [{ memcmp: { offset: ACCOUNT_LAYOUTS.lease.offsets.host, bytes: by.host.toBase58() } }] : []),
    ];
    return (await this.program.account.lease.all(filters)).map((l) => ({ address: l.publicKey, account: withBigints(l.account) }));
  }

  // ── writes ───────────────────────────────────────────────────────────────
  /** Creates the config and the reward pool; the wallet must be the program's upgrade authority. */
  initialize(p: InitializeParams): Promise<string> {
    return this.sendBuilt(this.program.methods
      .initialize(bn(p.proofEpochSecs), ...this.configArgs(p))
      .accountsPartial({
        authority: this.wallet, config: this.config, rewardPool: this.rewardPool,
        programData: programDataAddress(this.program.programId), systemProgram: SystemProgram.programId,
      }));
  }

  /** The config authority's new settings; a changed witness set takes effect (grace_epochs + 1) epochs later. */
  updateConfig(p: UpdateConfigParams): Promise<string> {
    return this.sendBuilt(this.program.methods.updateConfig(...this.configArgs(p))
      .accountsPartial({ authority: this.wallet, config: this.config }));
  }

  fundRewards(amount: bigint): Promise<string> {
    return this.sendBuilt(this.program.methods.fundRewards(bn(amount))
      .accountsPartial({ funder: this.wallet, config: this.config, rewardPool: this.rewardPool, systemProgram: SystemProgram.programId }));
  }

  registerHost(p: RegisterHostParams): Promise<string> {
    return this.sendBuilt(this.program.methods.registerHost(Array.from(p.peerId), Array.from(p.specHash), bn(p.stake))
      .accountsPartial({ operator: this.wallet, owner: p.owner, config: this.config, host: this.hostAddress(this.wallet), systemProgram: SystemProgram.programId }));
  }

  activateHost(): Promise<string> {
    return this.sendBuilt(this.program.methods.activateHost()
      .accountsPartial({ operator: this.wallet, config: this.config, host: this.hostAddress(this.wallet) }));
  }

  deactivateHost(): Promise<string> {
    return this.sendBuilt(this.program.methods.deactivateHost()
      .accountsPartial({ operator: this.wallet, host: this.hostAddress(this.wallet) }));
  }

  /**
   * Opens a lease with the connected wallet as renter, under terms the host operator signed:
   * its signature goes in the Ed25519 instruction right before open_lease. A signature over
   * other terms is refused here, before anything is sent (the Ed25519 program would fail the
   * transaction with a bare "custom program error: 0x2").
   */
  async openLease(p: OpenLeaseParams): Promise<{ lease: PublicKey; leaseId: bigint; signature: string }> {
    const lease = this.leaseAddress(this.wallet, p.leaseId);
    const terms = termsMessage({ ...p, renter: this.wallet });
    if (!verifySolanaSignature('', terms, p.hostSignature, p.hostOperator.toBytes())) {
      throw new Error(`the host signature is not host ${p.hostOperator.toBase58()}'s over these terms (renter ${this.wallet.toBase58()}, lease id ${p.leaseId}): ask the host for a new quote; nothing was sent`);
    }
    const ix = await this.program.methods
      .openLease(bn(p.leaseId), bn(p.rate), bn(p.durationSecs), bn(p.quoteExpiresAt), p.delegate, Array.from(p.termsHash))
      .accountsPartial({
        renter: this.wallet, config: this.config, host: this.hostAddress(p.hostOperator), lease,
        systemProgram: SystemProgram.programId, instructions: SYSVAR_INSTRUCTIONS_PUBKEY,
      })
      .instruction();
    const signature = await this.send([proofVerifyInstruction({ signer: p.hostOperator, message: terms, signature: p.hostSignature }), ix]);
    return { lease, leaseId: p.leaseId, signature };
  }

  topUpLease(lease: PublicKey, extraSecs: bigint): Promise<string> {
    return this.sendBuilt(this.program.methods.topUpLease(bn(extraSecs))
      .accountsPartial({ renter: this.wallet, lease, systemProgram: SystemProgram.programId }));
  }

  /** Posts a receipt of the lease's renter or delegate (signed `receiptMessage(lease, until)`). */
  postReceipt(lease: PublicKey, hostOperator: PublicKey, until: bigint, proof: SignedProof): Promise<string> {
    return this.postProof(lease, hostOperator, { receipt: { until: bn(until) } }, proof);
  }

  /** Posts a witness's attestation of one lease (signed `attestationMessage(operator, lease, epoch)`). */
  postAttestation(lease: PublicKey, hostOperator: PublicKey, epoch: bigint, proof: SignedProof): Promise<string> {
    return this.postProof(lease, hostOperator, { attestation: { epoch: bn(epoch) } }, proof);
  }

  /** Posts a witness's heartbeat for an ended epoch (signed `heartbeatMessage(epoch)`); anyone may send it. */
  async postHeartbeat(epoch: bigint, proof: SignedProof): Promise<string> {
    const ix = await this.program.methods.witnessHeartbeat(bn(epoch))
      .accountsPartial({ config: this.config, rewardPool: this.rewardPool, instructions: SYSVAR_INSTRUCTIONS_PUBKEY })
      .instruction();
    return this.send([proofVerifyInstruction(proof), ix]);
  }

  private async postProof(
    lease: PublicKey, hostOperator: PublicKey,
    proof: { receipt: { until: BN } } | { attestation: { epoch: BN } }, signed: SignedProof,
  ): Promise<string> {
    const ix = await this.program.methods.postProof(proof as never)
      .accountsPartial({
        config: this.config, host: this.hostAddress(hostOperator), lease, rewardPool: this.rewardPool, instructions: SYSVAR_INSTRUCTIONS_PUBKEY,
      })
      .instruction();
    return this.send([proofVerifyInstruction(signed), ix]);
  }

  /** Pays the newly proven time into the host account (the lease's fee into the pool); anyone may call. */
  async settle(lease: PublicKey): Promise<string> {
    const { host } = await this.leaseParties(lease);
    return this.sendBuilt(this.program.methods.settleLease()
      .accountsPartial({ config: this.config, host, lease, rewardPool: this.rewardPool }));
  }

  /** The renter or the host operator closes: settles, refunds the rest to the renter, and the account is gone. */
  async closeLease(lease: PublicKey): Promise<string> {
    const { host, renter } = await this.leaseParties(lease);
    return this.sendBuilt(this.program.methods.closeLease()
      .accountsPartial({ signer: this.wallet, renter, config: this.config, host, lease, rewardPool: this.rewardPool }));
  }

  /** Anyone, once the lease's unproven witness-alive epochs exceed its grace: slash into the pool, jail, refund, close. */
  async penalize(lease: PublicKey): Promise<string> {
    const { host, renter } = await this.leaseParties(lease);
    return this.sendBuilt(this.program.methods.penalizeHost()
      .accountsPartial({ caller: this.wallet, renter, config: this.config, host, lease, rewardPool: this.rewardPool }));
  }

  /** Pays what `operator`'s host account holds for its owner to the owner; the wallet signs as the operator or the owner. */
  async claimRewards(operator: PublicKey = this.wallet): Promise<string> {
    const host = await this.requireHost(operator);
    return this.sendBuilt(this.program.methods.claimRewards()
      .accountsPartial({ signer: this.wallet, owner: host.owner, host: this.hostAddress(operator) }));
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

  private async leaseParties(lease: PublicKey): Promise<{ host: PublicKey; renter: PublicKey }> {
    const account = await this.fetchLease(lease);
    if (!account) throw new Error(`lease ${lease.toBase58()} not found: it was closed or never opened`);
    return { host: account.host, renter: account.renter };
  }

  /** initialize's and update_config's shared arguments, in the IDL's order. */
  private configArgs(p: UpdateConfigParams) {
    return [p.feeBps, bn(p.minHostStake), p.graceEpochs, p.slashBps, p.rewardBps, bn(p.epochReward), bn(p.jailSecs), p.witnesses] as const;
  }
}
