import { randomBytes } from 'node:crypto';
import {
  AddressLookupTableAccount,
  Keypair,
  PublicKey,
  SystemProgram,
  TransactionMessage,
  VersionedMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import type { AccountInfo } from '@solana/web3.js';
import bs58 from 'bs58';
import { BlockhashWindow } from './blockhash-window.js';
import type { LatestBlockhash } from './blockhash-window.js';
import { ChainError } from './chain-error.js';
import { clusterTimeAt } from './epochs.js';
import type { ClusterTime, EpochScheduleInfo } from './epochs.js';
import { transactionFee } from './fees.js';
import { startIsolatedSvm } from './isolated-svm.js';
import { SLOT_DURATION_MS, SlotClock } from './slot-clock.js';
import { SNAPSHOT_FORMAT } from './snapshot.js';
import type { AccountSnapshot, LedgerSnapshot } from './snapshot.js';
import type { ClockFields, ExecutionResult, PlainAccount, SvmOperations } from './svm-protocol.js';
import { siblingModule } from './sync-worker.js';
import type { SyncWorker } from './sync-worker.js';
import type { TransactionErrorJson } from './transaction-error.js';
import { innerInstructionsToJson, returnDataToJson } from './transaction-record.js';
import type { InnerInstructionsJson, ReturnDataJson, TransactionRecord } from './transaction-record.js';

/**
 * The chain's state machine: litesvm plus what a validator adds around the SVM. Before
 * every transaction the Clock sysvar is set to wall-clock time and the current slot
 * (slots advance every ~400 ms); blockhashes are checked against a 150-slot window; every
 * account a transaction writes is indexed by owner (getProgramAccounts, persistence);
 * committed transactions are kept with their status and metadata (getTransaction,
 * getSignatureStatuses). Everything is final as soon as it is executed.
 */
export type AccountState = AccountInfo<Uint8Array>;

const TRANSACTION_HISTORY_LIMIT = 10_000;
/** Enough for any test or demo; the faucet refills itself and stays below 2^53 lamports. */
const FAUCET_LAMPORTS = 8_000_000n * 1_000_000_000n;
export const MAX_AIRDROP_LAMPORTS = 1_000_000 * 1_000_000_000;
const AIRDROP_ATTEMPTS = 3;
const UPGRADEABLE_LOADER = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');
/** Owners whose accounts litesvm creates itself at genesis; never indexed nor persisted. */
const GENESIS_OWNERS = new Set(['Sysvar1111111111111111111111111111111111111', 'NativeLoader1111111111111111111111111111111']);

export interface AccountChange {
  address: PublicKey;
  /** null when the account was closed */
  account: AccountState | null;
  slot: number;
}

export type SendOutcome =
  | { committed: true; record: TransactionRecord }
  | { committed: false; err: TransactionErrorJson; logs: string[]; unitsConsumed: number };

export interface SimulationOutcome {
  slot: number;
  err: TransactionErrorJson | null;
  logs: string[];
  unitsConsumed: number;
  fee: number;
  returnData: ReturnDataJson | null;
  innerInstructions: InnerInstructionsJson[];
  /** state after the simulated transaction of every account it loaded */
  postAccounts: Map<string, AccountState | null>;
  replacementBlockhash: LatestBlockhash | null;
}

export interface SimulationOptions {
  sigVerify: boolean;
  replaceRecentBlockhash: boolean;
}

interface MessageAccountKeys {
  all: PublicKey[];
  loaded: { writable: PublicKey[]; readonly: PublicKey[] };
}

export class Ledger {
  private readonly svm: SyncWorker<SvmOperations>;
  private readonly schedule: EpochScheduleInfo;
  private readonly clock: SlotClock;
  private readonly blockhashes: BlockhashWindow;
  private readonly faucet: Keypair;
  private readonly records = new Map<string, TransactionRecord>();
  private readonly ownerOf = new Map<string, string>();
  private readonly addressesByOwner = new Map<string, Set<string>>();
  private readonly programElfs = new Map<string, Uint8Array>();
  private readonly transactionListeners = new Set<(record: TransactionRecord) => void>();
  private readonly accountListeners = new Set<(change: AccountChange) => void>();
  private transactionTotal: number;
  private changeCount = 0;

  readonly genesisHash: string;
  readonly identity: PublicKey;

  private constructor(svm: SyncWorker<SvmOperations>, snapshot: LedgerSnapshot | undefined, now: () => number) {
    this.svm = svm;
    const schedule = this.svm.call('epochSchedule', {});
    this.schedule = {
      slotsPerEpoch: Number(schedule.slotsPerEpoch),
      leaderScheduleSlotOffset: Number(schedule.leaderScheduleSlotOffset),
      warmup: schedule.warmup,
      firstNormalEpoch: Number(schedule.firstNormalEpoch),
      firstNormalSlot: Number(schedule.firstNormalSlot),
    };
    this.genesisHash = snapshot?.genesisHash ?? bs58.encode(randomBytes(32));
    this.identity = snapshot ? new PublicKey(snapshot.identity) : Keypair.generate().publicKey;
    this.faucet = snapshot ? Keypair.fromSecretKey(bs58.decode(snapshot.faucetSecretKey)) : Keypair.generate();
    this.transactionTotal = snapshot?.transactionCount ?? 0;
    this.blockhashes = new BlockhashWindow(this.genesisHash);
    // A restarted chain continues after the last slot it saved.
    this.clock = new SlotClock(snapshot ? snapshot.slot + 1 : 0, now(), now);
    if (snapshot) this.restore(snapshot);
    else this.setAccount(this.faucet.publicKey, systemAccount(FAUCET_LAMPORTS));
  }

  static async create(options: { snapshot?: LedgerSnapshot; now?: () => number } = {}): Promise<Ledger> {
    const svm = await startIsolatedSvm<SvmOperations>(siblingModule(import.meta.url, 'svm-worker'));
    try {
      return new Ledger(svm, options.snapshot, options.now ?? Date.now);
    } catch (err) {
      await svm.stop();
      throw err;
    }
  }

  /** Stops litesvm's worker thread; the ledger cannot be used afterwards. */
  close(): Promise<void> {
    return this.svm.stop();
  }

  /** Increases with every change of state; the persistence loop saves when it moved. */
  get revision(): number {
    return this.changeCount;
  }

  get transactionCount(): number {
    return this.transactionTotal;
  }

  slot(): number {
    return this.clock.slot();
  }

  clusterTime(): ClusterTime {
    return clusterTimeAt(this.schedule, this.slot(), this.clock);
  }

  epochSchedule(): EpochScheduleInfo {
    return { ...this.schedule };
  }

  latestBlockhash(): LatestBlockhash {
    return this.blockhashes.latest(this.slot());
  }

  isBlockhashValid(blockhash: string): boolean {
    return this.blockhashes.isValid(blockhash, this.slot());
  }

  minimumBalanceForRentExemption(dataLength: number): number {
    return Number(this.svm.call('minimumBalanceForRentExemption', { dataLength: BigInt(dataLength) }));
  }

  /** null for accounts that do not exist (never created, or closed to zero lamports). */
  account(address: PublicKey): AccountState | null {
    return this.accounts([address])[0] ?? null;
  }

  accounts(addresses: PublicKey[]): Array<AccountState | null> {
    if (addresses.length === 0) return [];
    return this.svm.call('getAccounts', { addresses: addresses.map((address) => address.toBytes()) }).map(accountState);
  }

  /** Every indexed account owned by `owner`: all accounts written since genesis, not the ones litesvm created itself. */
  accountsOwnedBy(owner: PublicKey): Array<{ address: PublicKey; account: AccountState }> {
    const addresses = [...(this.addressesByOwner.get(owner.toBase58()) ?? [])].map((address) => new PublicKey(address));
    const accounts = this.accounts(addresses);
    return addresses.flatMap((address, index) => {
      const account = accounts[index];
      return account ? [{ address, account }] : [];
    });
  }

  /** The fee the message will be charged, or null when its blockhash is not (or no longer) valid. */
  feeForMessage(message: VersionedMessage): number | null {
    return this.isBlockhashValid(message.recentBlockhash) ? Number(transactionFee(message)) : null;
  }

  record(signature: string): TransactionRecord | undefined {
    return this.records.get(signature);
  }

  /** Newest first. */
  recordsMentioning(address: PublicKey): TransactionRecord[] {
    const key = address.toBase58();
    return [...this.records.values()].reverse().filter((record) => record.accountKeys.includes(key));
  }

  recentRecords(): IterableIterator<TransactionRecord> {
    return this.records.values();
  }

  onTransaction(listener: (record: TransactionRecord) => void): () => void {
    this.transactionListeners.add(listener);
    return () => this.transactionListeners.delete(listener);
  }

  onAccountChange(listener: (change: AccountChange) => void): () => void {
    this.accountListeners.add(listener);
    return () => this.accountListeners.delete(listener);
  }

  simulate(transaction: VersionedTransaction, options: SimulationOptions): SimulationOutcome {
    const time = this.clusterTime();
    const replacementBlockhash = options.replaceRecentBlockhash ? this.blockhashes.latest(time.slot) : null;
    const candidate = replacementBlockhash ? withBlockhash(transaction, replacementBlockhash.blockhash) : transaction;
    const fee = Number(transactionFee(candidate.message));
    const base = { slot: time.slot, fee, replacementBlockhash };
    const refused = (err: TransactionErrorJson): SimulationOutcome => ({ ...base, err, logs: [], unitsConsumed: 0, returnData: null, innerInstructions: [], postAccounts: new Map() });
    if (!replacementBlockhash && !this.blockhashes.isValid(transaction.message.recentBlockhash, time.slot)) return refused('BlockhashNotFound');
    if (this.records.has(signatureOf(transaction))) return refused('AlreadyProcessed');
    const result = this.execute('simulate', candidate, candidate.serialize(), time, options.sigVerify, this.accountKeysOf(candidate.message).all, []);
    const postAccounts = new Map(result.postAccounts.map(([address, account]) => [bs58.encode(address), accountState(account)]));
    return { ...base, ...executionDetails(result), err: result.err, postAccounts };
  }

  /** Executes a decoded, sanitized transaction. Rejected transactions (not committed, no fee) change nothing. */
  send(transaction: VersionedTransaction): SendOutcome {
    const signature = signatureOf(transaction);
    const rejected = (err: TransactionErrorJson): SendOutcome => ({ committed: false, err, logs: [], unitsConsumed: 0 });
    if (this.records.has(signature)) return rejected('AlreadyProcessed');
    const time = this.clusterTime();
    if (!this.blockhashes.isValid(transaction.message.recentBlockhash, time.slot)) return rejected('BlockhashNotFound');

    const keys = this.accountKeysOf(transaction.message);
    const writable = keys.all.flatMap((_, index) => (transaction.message.isAccountWritable(index) ? [index] : []));
    const wire = transaction.serialize();
    const result = this.execute('send', transaction, wire, time, true, keys.all, writable);
    if (!result.committed) {
      return { committed: false, err: result.err ?? 'UnknownError', logs: result.logs, unitsConsumed: Number(result.unitsConsumed) };
    }
    const details = executionDetails(result);
    const record: TransactionRecord = {
      signature,
      slot: time.slot,
      blockTime: time.unixTimestamp,
      wire: Buffer.from(wire).toString('base64'),
      accountKeys: keys.all.map((key) => key.toBase58()),
      loadedAddresses: { writable: keys.loaded.writable.map((key) => key.toBase58()), readonly: keys.loaded.readonly.map((key) => key.toBase58()) },
      err: result.err,
      fee: Number(transactionFee(transaction.message)),
      preBalances: result.preBalances.map(Number),
      postBalances: result.postBalances.map(Number),
      logMessages: details.logs,
      innerInstructions: details.innerInstructions,
      computeUnitsConsumed: details.unitsConsumed,
      returnData: details.returnData,
    };
    this.remember(record);
    this.transactionTotal += 1;
    this.changeCount += 1;
    writable.forEach((keyIndex, position) => {
      const address = keys.all[keyIndex];
      const before = result.writableBefore[position];
      const after = result.writableAfter[position];
      if (address && before !== undefined && after !== undefined) this.noteWrite(address, accountState(before), accountState(after), time.slot);
    });
    for (const listener of this.transactionListeners) listener(record);
    return { committed: true, record };
  }

  /** A real transfer from the chain's faucet, so airdrops have signatures, statuses and history like any transaction. */
  async airdrop(recipient: PublicKey, lamports: number): Promise<SendOutcome> {
    let outcome: SendOutcome = { committed: false, err: 'AlreadyProcessed', logs: [], unitsConsumed: 0 };
    for (let attempt = 0; attempt < AIRDROP_ATTEMPTS; attempt++) {
      this.refillFaucet(lamports);
      const message = new TransactionMessage({
        payerKey: this.faucet.publicKey,
        recentBlockhash: this.latestBlockhash().blockhash,
        instructions: [SystemProgram.transfer({ fromPubkey: this.faucet.publicKey, toPubkey: recipient, lamports })],
      }).compileToLegacyMessage();
      const transaction = new VersionedTransaction(message);
      transaction.sign([this.faucet]);
      outcome = this.send(transaction);
      // The same airdrop twice in one slot is the same transaction: retry with the next slot's blockhash.
      if (outcome.committed || outcome.err !== 'AlreadyProcessed') return outcome;
      await new Promise((resolve) => setTimeout(resolve, SLOT_DURATION_MS));
    }
    return outcome;
  }

  addProgram(programId: PublicKey, elf: Uint8Array): void {
    const addresses = [programId, programDataAddress(programId)];
    const before = this.accounts(addresses);
    const { error } = this.svm.call('addProgram', { programId: programId.toBytes(), elf, clock: clockFields(this.clusterTime()) });
    if (error !== null) {
      throw new ChainError('CHAIN_PROGRAM_INVALID', `program ${programId.toBase58()} could not be loaded (${error}): pass an SBF ELF (.so) built for the Solana BPF loader`);
    }
    this.programElfs.set(programId.toBase58(), elf);
    const after = this.accounts(addresses);
    const slot = this.slot();
    addresses.forEach((address, index) => this.noteWrite(address, before[index] ?? null, after[index] ?? null, slot));
    this.changeCount += 1;
  }

  /** Overwrites an account outside any transaction (genesis set-up, tests, the onStart hook). */
  setAccount(address: PublicKey, account: AccountState): void {
    const before = this.account(address);
    this.svm.call('setAccount', {
      address: address.toBytes(),
      account: {
        lamports: BigInt(account.lamports),
        owner: account.owner.toBytes(),
        executable: account.executable,
        rentEpoch: u64(account.rentEpoch ?? 0),
        data: account.data,
      },
    });
    this.changeCount += 1;
    this.noteWrite(address, before, this.account(address), this.slot());
  }

  snapshot(): LedgerSnapshot {
    const programAccounts = new Set([...this.programElfs.keys()].flatMap((id) => [id, programDataAddress(new PublicKey(id)).toBase58()]));
    const addresses = [...this.ownerOf.keys()].filter((address) => !programAccounts.has(address));
    const accounts = this.accounts(addresses.map((address) => new PublicKey(address)));
    return {
      format: SNAPSHOT_FORMAT,
      genesisHash: this.genesisHash,
      identity: this.identity.toBase58(),
      faucetSecretKey: bs58.encode(this.faucet.secretKey),
      slot: this.slot(),
      transactionCount: this.transactionTotal,
      programs: [...this.programElfs].map(([programId, elf]) => ({ programId, elf: Buffer.from(elf).toString('base64') })),
      accounts: addresses.flatMap((address, index) => {
        const account = accounts[index];
        return account ? [accountToSnapshot(address, account)] : [];
      }),
      transactions: [...this.records.values()],
    };
  }

  private restore(snapshot: LedgerSnapshot): void {
    for (const program of snapshot.programs) this.addProgram(new PublicKey(program.programId), Buffer.from(program.elf, 'base64'));
    for (const saved of snapshot.accounts) this.setAccount(new PublicKey(saved.address), accountFromSnapshot(saved));
    for (const record of snapshot.transactions) this.remember(record);
    this.changeCount = 0;
  }

  private execute(
    mode: 'send' | 'simulate',
    transaction: VersionedTransaction,
    wire: Uint8Array,
    time: ClusterTime,
    sigVerify: boolean,
    keys: PublicKey[],
    writable: number[],
  ): ExecutionResult {
    return this.svm.call('execute', {
      mode,
      wire,
      signature: transaction.signatures[0] ?? new Uint8Array(64),
      sigVerify,
      clock: clockFields(time),
      keys: keys.map((key) => key.toBytes()),
      writable,
    });
  }

  private remember(record: TransactionRecord): void {
    this.records.set(record.signature, record);
    if (this.records.size <= TRANSACTION_HISTORY_LIMIT) return;
    const oldest = this.records.keys().next().value;
    if (oldest !== undefined) this.records.delete(oldest);
  }

  private refillFaucet(lamports: number): void {
    const balance = this.account(this.faucet.publicKey)?.lamports ?? 0;
    if (balance >= lamports + 1_000_000) return;
    this.setAccount(this.faucet.publicKey, systemAccount(FAUCET_LAMPORTS));
  }

  /** Static keys, then the keys v0 lookup tables load; lookups that cannot be resolved are left for litesvm to reject. */
  private accountKeysOf(message: VersionedMessage): MessageAccountKeys {
    const loaded = { writable: [] as PublicKey[], readonly: [] as PublicKey[] };
    const tables = this.accounts(message.addressTableLookups.map((lookup) => lookup.accountKey));
    message.addressTableLookups.forEach((lookup, index) => {
      const table = tables[index];
      let addresses: PublicKey[];
      try {
        addresses = table ? AddressLookupTableAccount.deserialize(table.data).addresses : [];
      } catch {
        addresses = [];
      }
      const pick = (indexes: number[]) => indexes.map((i) => addresses[i]).filter((key): key is PublicKey => key !== undefined);
      loaded.writable.push(...pick(lookup.writableIndexes));
      loaded.readonly.push(...pick(lookup.readonlyIndexes));
    });
    return { all: [...message.staticAccountKeys, ...loaded.writable, ...loaded.readonly], loaded };
  }

  /** Re-indexes a written account and tells listeners when it changed. */
  private noteWrite(address: PublicKey, before: AccountState | null, after: AccountState | null, slot: number): void {
    const key = address.toBase58();
    const previousOwner = this.ownerOf.get(key);
    const owner = after?.owner.toBase58();
    if (previousOwner !== owner) {
      if (previousOwner !== undefined) this.addressesByOwner.get(previousOwner)?.delete(key);
      if (owner !== undefined && !GENESIS_OWNERS.has(owner)) {
        this.ownerOf.set(key, owner);
        let addresses = this.addressesByOwner.get(owner);
        if (!addresses) this.addressesByOwner.set(owner, (addresses = new Set()));
        addresses.add(key);
      } else {
        this.ownerOf.delete(key);
      }
    }
    if (sameAccount(before, after)) return;
    for (const listener of this.accountListeners) listener({ address, account: after, slot });
  }
}

function executionDetails(result: ExecutionResult): Pick<SimulationOutcome, 'logs' | 'unitsConsumed' | 'returnData' | 'innerInstructions'> {
  return {
    logs: result.logs,
    unitsConsumed: Number(result.unitsConsumed),
    returnData: returnDataToJson(result.returnData),
    innerInstructions: innerInstructionsToJson(result.innerInstructions),
  };
}

function clockFields(time: ClusterTime): ClockFields {
  return {
    slot: BigInt(time.slot),
    epochStartTimestamp: BigInt(time.epochStartTimestamp),
    epoch: BigInt(time.epoch),
    leaderScheduleEpoch: BigInt(time.leaderScheduleEpoch),
    unixTimestamp: BigInt(time.unixTimestamp),
  };
}

/** Accounts with zero lamports do not exist on Solana. */
function accountState(account: PlainAccount | null): AccountState | null {
  if (!account || account.lamports === 0n) return null;
  return {
    lamports: Number(account.lamports),
    owner: new PublicKey(account.owner),
    executable: account.executable,
    rentEpoch: Number(account.rentEpoch),
    data: account.data,
  };
}

/** JS numbers above 2^53 are approximations; the rent epoch u64::MAX ("rent exempt") comes back as 2^64. */
function u64(value: number): bigint {
  const max = 2n ** 64n - 1n;
  const exact = BigInt(Math.trunc(value));
  return exact > max ? max : exact;
}

function systemAccount(lamports: bigint): AccountState {
  return { lamports: Number(lamports), data: new Uint8Array(0), owner: SystemProgram.programId, executable: false, rentEpoch: 0 };
}

function signatureOf(transaction: VersionedTransaction): string {
  return bs58.encode(transaction.signatures[0] ?? new Uint8Array(64));
}

function withBlockhash(transaction: VersionedTransaction, blockhash: string): VersionedTransaction {
  const message = VersionedMessage.deserialize(transaction.message.serialize());
  message.recentBlockhash = blockhash;
  return new VersionedTransaction(message, transaction.signatures);
}

function programDataAddress(programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([programId.toBytes()], UPGRADEABLE_LOADER)[0];
}

function sameAccount(a: AccountState | null, b: AccountState | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.lamports === b.lamports &&
    a.executable === b.executable &&
    a.owner.equals(b.owner) &&
    a.rentEpoch === b.rentEpoch &&
    Buffer.from(a.data).equals(Buffer.from(b.data))
  );
}

function accountToSnapshot(address: string, account: AccountState): AccountSnapshot {
  return {
    address,
    lamports: BigInt(account.lamports).toString(),
    owner: account.owner.toBase58(),
    executable: account.executable,
    rentEpoch: String(Math.min(account.rentEpoch ?? 0, Number.MAX_SAFE_INTEGER)),
    data: Buffer.from(account.data).toString('base64'),
  };
}

function accountFromSnapshot(saved: AccountSnapshot): AccountState {
  return {
    lamports: Number(saved.lamports),
    owner: new PublicKey(saved.owner),
    executable: saved.executable,
    // litesvm takes the rent epoch as a u64; anything beyond 2^53 only ever meant "rent exempt".
    rentEpoch: Math.min(Number(saved.rentEpoch), Number.MAX_SAFE_INTEGER),
    data: Buffer.from(saved.data, 'base64'),
  };
}
