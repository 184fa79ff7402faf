/**
 * One property-test scenario's world (escrow v2): its parties (keypairs derived from the
 * scenario's seed: hosts with owners of every kind and a sock-puppet wallet each), the real
 * program in litesvm on its own thread (svm-thread.ts), every account the scenario can touch,
 * the model of what the program keeps beyond accounts' balances (the config in force, the
 * pending witness set, the epochs the witnesses were seen alive in), and the book of leases
 * with what each escrow took in and paid out, measured from balances (never from the
 * program's own counters).
 */
import { createHash } from 'node:crypto';
import anchor from '@coral-xyz/anchor';
import { Connection, Keypair, PublicKey, SYSVAR_CLOCK_PUBKEY, SystemProgram, Transaction } from '@solana/web3.js';
import type { TransactionInstruction } from '@solana/web3.js';
import type { Decloud } from '@decloud/sdk/chain/idl';
import { CONFIG, CONFIG_LEN, HOST_LEN, IDL, LEASE_LEN, PROGRAM_DATA, PROGRAM_ID, REWARD_POOL, REWARD_POOL_LEN, SOL, T0, bn } from './chain.js';
import type { ConfigParams, DecloudProgram } from './chain.js';
import { decodeConfig, decodeHost, decodeLease, decodePool } from './accounts.js';
import type { ConfigState, HostState, LeaseState, PoolState } from './accounts.js';
import { hasLeaseAddress, hostAddress, leaseAddress, leaseSeeds } from './fixtures.js';
import { keypairFromSeed, signAndSerialize } from './native-ed25519.js';
import type { SvmThread, WireAccount, WireOutcome } from './svm-thread.js';
import type { OwnerKind, Scenario } from './rental-scenario.js';

const { AnchorProvider, Program, Wallet } = anchor;

export const LAMPORTS_PER_SIGNATURE = 5_000n;
const ED25519_PROGRAM = 'Ed25519SigVerify111111111111111111111111111';
/** Epochs of liveness the reward pool remembers (alive_bits). */
export const ALIVE_WINDOW = 64n;

const addressTexts = new WeakMap<PublicKey, string>();

/** An address as base58, computed once per PublicKey object (the tests look addresses up thousands of times). */
export function addressText(address: PublicKey): string {
  let text = addressTexts.get(address);
  if (text === undefined) {
    text = address.toBase58();
    addressTexts.set(address, text);
  }
  return text;
}

const keypairs = new Map<string, Keypair>();

/** The keypair of a scenario role; the same seed and role always give the same (cached) keypair. */
function roleKeypair(keySeed: number, role: string): Keypair {
  const name = `decloud-properties/${keySeed}/${role}`;
  let keypair = keypairs.get(name);
  if (!keypair) {
    keypair = keypairFromSeed(createHash('sha256').update(name).digest());
    keypairs.set(name, keypair);
  }
  return keypair;
}

export interface HostActor {
  index: number;
  operator: Keypair;
  ownerKind: OwnerKind;
  /** the payout address it names */
  owner: PublicKey;
  /** the owner's key, when the owner is a wallet the scenario holds */
  ownerKey?: Keypair;
  host: PublicKey;
  /** a wallet the host's operator controls, renting from its own host */
  puppet: Keypair;
}

/** A lease the scenario opened, with its escrow's books kept from measured balances. */
export interface LeaseRecord {
  address: PublicKey;
  renter: Keypair;
  hostIndex: number;
  leaseId: bigint;
  rate: bigint;
  delegate: Keypair | null;
  /** the host index whose puppet rents it (a self-lease) */
  puppetOf?: number;
  open: boolean;
  /** what the renter put into the lease account (rent + deposit + top-ups) */
  escrowIn: bigint;
  /** what went back to the renter when the lease closed */
  refunded: bigint;
  /** what the host account received from this lease (its share of the proven time) */
  hostReceived: bigint;
  /** what this lease paid into the reward pool (fees) */
  fees: bigint;
  /** the lease account as last read while open */
  last?: LeaseState;
}

/** A sent transaction's outcome and the fee its payer owes for it. */
export interface Sent { outcome: WireOutcome; fee: bigint }

/** Every tracked account at one moment (and, apart, the fee payer's lamports), decoded on demand. */
export class View {
  constructor(readonly accounts: ReadonlyMap<string, WireAccount | null>, readonly payerLamports: bigint, readonly now: bigint) {}

  account(address: PublicKey): WireAccount | null {
    const account = this.accounts.get(addressText(address));
    if (account === undefined) throw new Error(`account ${addressText(address)} is not tracked`);
    return account;
  }

  lamports(address: PublicKey): bigint {
    return this.account(address)?.lamports ?? 0n;
  }

  host(address: PublicKey): HostState | null {
    const account = this.account(address);
    return account ? decodeHost(account.data) : null;
  }

  lease(address: PublicKey): LeaseState | null {
    const account = this.account(address);
    return account ? decodeLease(account.data) : null;
  }

  pool(): PoolState {
    const account = this.account(REWARD_POOL);
    if (!account) throw new Error('the reward pool does not exist');
    return decodePool(account.data);
  }

  config(): ConfigState {
    const account = this.account(CONFIG);
    if (!account) throw new Error('the config does not exist');
    return decodeConfig(account.data);
  }
}

/** The config as the model keeps it: the parameters in force and the witness sets. */
export interface ConfigModel extends ConfigParams {
  witnesses: Keypair[];
  next: Keypair[] | null;
  nextAt: bigint;
}

let sharedProgram: DecloudProgram | undefined;

/** Anchor's `Program` from the committed IDL, only used to build instructions (its connection is never called). */
function program(payer: Keypair): DecloudProgram {
  sharedProgram ??= new Program<Decloud>(IDL, new AnchorProvider(new Connection('http://127.0.0.1:1'), new Wallet(payer), {}));
  return sharedProgram;
}

export class RentalWorld {
  readonly program: DecloudProgram;
  readonly payer: Keypair;
  readonly authority: Keypair;
  readonly funder: Keypair;
  readonly stranger: Keypair;
  readonly nonWitness: Keypair;
  /** every key that is or may become a witness: the initial ones, then one spare for rotations */
  readonly witnessKeys: Keypair[];
  readonly renters: Keypair[];
  readonly hosts: HostActor[];
  readonly leases: LeaseRecord[] = [];
  /** closed leases whose address a new lease reused (same renter and lease id): their books are final */
  readonly retired: LeaseRecord[] = [];
  /** the target of lease actions before any lease exists: an address nobody opened */
  readonly phantom: LeaseRecord;
  readonly rent: { lease: bigint; host: bigint; pool: bigint; config: bigint; wallet: bigint };
  readonly config: ConfigModel;
  /** epochs a witness was seen alive in (heartbeats and attestations), and the newest */
  readonly alive = new Set<bigint>();
  newestAlive = -1n;
  /** lamports sent to the pool and the config outside the program's bookkeeping (claims to a pool or config owner, gifts) */
  donations = { pool: 0n, config: 0n };
  /** per host: rewards by epoch, slashes, gifts to its owner, from measured balances */
  readonly hostBooks: { rewards: Map<bigint, bigint>; slashed: bigint; gifts: bigint }[];
  now = T0;
  private readonly tracked = new Map<string, PublicKey>();
  /** the plain (system-owned, data-less) accounts: every party's keypair address */
  private readonly wallets = new Set<string>();
  private transactions = 0;

  private constructor(readonly svm: SvmThread, readonly scenario: Scenario) {
    const key = (role: string) => roleKeypair(scenario.keySeed, role);
    this.payer = key('payer');
    this.authority = key('authority');
    this.funder = key('funder');
    this.stranger = key('stranger');
    this.nonWitness = key('non-witness');
    this.witnessKeys = Array.from({ length: scenario.witnessCount + 1 }, (_, i) => key(`witness ${i}`));
    this.renters = Array.from({ length: scenario.renterCount }, (_, i) => key(`renter ${i}`));
    this.hosts = scenario.hostStarts.map((_, i) => {
      const operator = key(`operator ${i}`);
      const kind = scenario.ownerKinds[i % scenario.ownerKinds.length] ?? 'wallet';
      const wallet = key(`owner ${i}`);
      const renter = this.renters[i % this.renters.length] as Keypair;
      const [owner, ownerKey]: [PublicKey, Keypair | undefined] = {
        wallet: [wallet.publicKey, wallet], empty: [wallet.publicKey, wallet], readonly: [wallet.publicKey, wallet],
        operator: [operator.publicKey, operator], renter: [renter.publicKey, renter], config: [CONFIG, undefined], pool: [REWARD_POOL, undefined],
        sysvar: [SYSVAR_CLOCK_PUBKEY, undefined], program: [PROGRAM_ID, undefined],
      }[kind] as [PublicKey, Keypair | undefined];
      return { index: i, operator, ownerKind: kind, owner, ownerKey, host: hostAddress(operator.publicKey), puppet: key(`puppet ${i}`) };
    });
    this.hostBooks = this.hosts.map(() => ({ rewards: new Map(), slashed: 0n, gifts: 0n }));
    this.program = program(this.payer);
    // Nobody opens leases as the stranger: its lease address stays empty.
    this.phantom = newLeaseRecord(leaseAddress(this.stranger.publicKey, leaseIdFrom0(this.stranger.publicKey)), this.stranger, 0, 0n, 1n, null);
    this.rent = { lease: svm.rent(LEASE_LEN), host: svm.rent(HOST_LEN), pool: svm.rent(REWARD_POOL_LEN), config: svm.rent(CONFIG_LEN), wallet: svm.rent(0n) };
    const { params } = scenario;
    this.config = { ...params, witnesses: this.witnessKeys.slice(0, scenario.witnessCount), next: null, nextAt: 0n };
  }

  /** A fresh chain with the program (upgrade authority: the world's authority), funded wallets and the config initialized. */
  static async create(svm: SvmThread, scenario: Scenario): Promise<RentalWorld> {
    const world = new RentalWorld(svm, scenario);
    svm.reset(T0, world.authority.publicKey);
    svm.airdrop(world.payer.publicKey, 1_000n * SOL);
    const fundedOwners = world.hosts.filter((h) => h.ownerKind === 'wallet' || h.ownerKind === 'readonly').map((h) => h.ownerKey as Keypair);
    const funded = [world.authority, world.funder, world.stranger, ...world.renters, ...world.hosts.flatMap((h) => [h.operator, h.puppet]), ...fundedOwners];
    for (const wallet of funded) svm.airdrop(wallet.publicKey, 100n * SOL);
    const wallets = [
      world.authority, world.funder, world.stranger, world.nonWitness, ...world.witnessKeys, ...world.renters,
      ...world.hosts.flatMap((h) => [h.operator, h.puppet, ...(h.ownerKey ? [h.ownerKey] : [])]),
    ];
    for (const wallet of wallets) world.wallets.add(addressText(wallet.publicKey));
    for (const address of [...wallets.map((w) => w.publicKey), ...world.hosts.map((h) => h.host), CONFIG, REWARD_POOL, world.phantom.address]) world.track(address);
    const sent = world.send([await world.initializeInstruction(scenario.params)], [world.authority]);
    if (!sent.outcome.ok) throw new Error(`initialize failed: ${sent.outcome.err}\n${sent.outcome.logs.join('\n')}`);
    return world;
  }

  get params(): ConfigParams {
    return this.config;
  }

  isWallet(address: string): boolean {
    return this.wallets.has(address);
  }

  track(address: PublicKey): void {
    this.tracked.set(addressText(address), address);
  }

  /** Every tracked account, the fee payer's lamports and the clock, in one call to litesvm's thread. */
  view(): View {
    const addresses = [...this.tracked.values()];
    const accounts = this.svm.accounts([...addresses, this.payer.publicKey]);
    const payer = accounts[addresses.length]?.lamports ?? 0n;
    return new View(new Map(addresses.map((a, i) => [addressText(a), accounts[i] ?? null])), payer, this.now);
  }

  /** Signs and sends one transaction; the world's payer pays its fee (5,000 lamports per signature, precompile ones included). */
  send(instructions: TransactionInstruction[], signers: Keypair[]): Sent {
    const tx = new Transaction().add(...instructions);
    tx.feePayer = this.payer.publicKey;
    tx.recentBlockhash = this.nextBlockhash();
    const wire = signAndSerialize(tx, this.payer, signers);
    const precompileSignatures = instructions.filter((i) => addressText(i.programId) === ED25519_PROGRAM).reduce((n, i) => n + BigInt(i.data[0] ?? 0), 0n);
    const fee = (BigInt(tx.signatures.length) + precompileSignatures) * LAMPORTS_PER_SIGNATURE;
    return { outcome: this.svm.send(wire), fee };
  }

  advance(secs: bigint): void {
    this.now += secs;
    this.svm.setTime(this.now);
  }

  /** The proof epoch the clock is in. */
  epoch(): bigint {
    return this.now / this.config.proofEpochSecs;
  }

  /** The witnesses whose signatures count now (the pending set once its time has come). */
  witnessesAt(now: bigint): Keypair[] {
    return this.config.next && this.config.nextAt !== 0n && now >= this.config.nextAt ? this.config.next : this.config.witnesses;
  }

  isWitness(key: Keypair, now: bigint): boolean {
    return this.witnessesAt(now).some((w) => w.publicKey.equals(key.publicKey));
  }

  /** Records that `epoch` was seen alive, as the pool's alive bits do. */
  markAlive(epoch: bigint): void {
    this.alive.add(epoch);
    if (epoch > this.newestAlive) this.newestAlive = epoch;
  }

  /** Alive epochs in first..=last that the pool still remembers (within 64 of the newest). */
  aliveIn(first: bigint, last: bigint): bigint {
    let count = 0n;
    for (const e of this.alive) if (e >= first && e <= last && this.newestAlive - e < ALIVE_WINDOW) count += 1n;
    return count;
  }

  /** The lease an action's index names among the open ones (among all with `anyLease`, or when none is open); the phantom one before any exists. */
  leaseAt(index: number, anyLease: boolean): LeaseRecord {
    const open = this.leases.filter((l) => l.open);
    const candidates = anyLease || open.length === 0 ? this.leases : open;
    return candidates.length === 0 ? this.phantom : (candidates[index % candidates.length] as LeaseRecord);
  }

  hostAt(index: number): HostActor {
    return this.hosts[index % this.hosts.length] as HostActor;
  }

  renterAt(index: number): Keypair {
    return this.renters[index % this.renters.length] as Keypair;
  }

  /** Another renter than `renter` (there are at least two). */
  otherRenter(renter: Keypair): Keypair {
    return this.renters.find((r) => !r.publicKey.equals(renter.publicKey)) as Keypair;
  }

  /** Books a newly opened lease, retiring the closed one it may reuse the address of. */
  opened(record: LeaseRecord): void {
    const reused = this.leases.findIndex((l) => l.address.equals(record.address));
    if (reused >= 0) this.retired.push(...this.leases.splice(reused, 1));
    record.open = true;
    this.leases.push(record);
  }

  /**
   * The record of a lease about to be opened (tracked now, so a failed open is checked too).
   * A lease id without a bump-255 address gets the seeds' canonical address instead, which
   * open_lease must refuse.
   */
  plannedLease(renter: Keypair, hostIndex: number, leaseId: bigint, rate: bigint, delegate: Keypair | null, puppetOf?: number): LeaseRecord {
    const address = hasLeaseAddress(renter.publicKey, leaseId)
      ? leaseAddress(renter.publicKey, leaseId)
      : PublicKey.findProgramAddressSync(leaseSeeds(renter.publicKey, leaseId), PROGRAM_ID)[0];
    const record = newLeaseRecord(address, renter, hostIndex, leaseId, rate, delegate);
    if (puppetOf !== undefined) record.puppetOf = puppetOf;
    this.track(address);
    if (delegate) this.wallets.add(addressText(delegate.publicKey));
    return record;
  }

  /** A delegate key for a lease (derived from the renter and the id, like the SDK's session keys). */
  delegateKey(renter: Keypair, leaseId: bigint): Keypair {
    return roleKeypair(this.scenario.keySeed, `delegate ${addressText(renter.publicKey)} ${leaseId}`);
  }

  private initializeInstruction(p: ConfigParams): Promise<TransactionInstruction> {
    return this.program.methods
      .initialize(bn(p.proofEpochSecs), p.feeBps, bn(p.minHostStake), p.graceEpochs, p.slashBps, p.rewardBps, bn(p.epochReward), bn(p.jailSecs),
        this.config.witnesses.map((w) => w.publicKey))
      .accountsPartial({ authority: this.authority.publicKey, config: CONFIG, rewardPool: REWARD_POOL, programData: PROGRAM_DATA, systemProgram: SystemProgram.programId })
      .instruction();
  }

  /** A different valid-looking blockhash for every transaction (litesvm's blockhash check is off), so no two transactions are the same. */
  private nextBlockhash(): string {
    this.transactions += 1;
    return new PublicKey(createHash('sha256').update(`decloud-properties/${this.scenario.keySeed}/blockhash/${this.transactions}`).digest()).toBase58();
  }
}

function leaseIdFrom0(renter: PublicKey): bigint {
  for (let id = 0n; ; id += 1n) if (hasLeaseAddress(renter, id)) return id;
}

function newLeaseRecord(address: PublicKey, renter: Keypair, hostIndex: number, leaseId: bigint, rate: bigint, delegate: Keypair | null): LeaseRecord {
  return { address, renter, hostIndex, leaseId, rate, delegate, open: false, escrowIn: 0n, refunded: 0n, hostReceived: 0n, fees: 0n };
}
