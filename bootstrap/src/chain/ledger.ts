import { randomBytes } from 'node:crypto';
import { Keypair, PublicKey, VersionedMessage, VersionedTransaction } from '@solana/web3.js';
import bs58 from 'bs58';
import { AccountIndex } from './account-index.js';
import { sameAccount } from './account-state.js';
import type { AccountState } from './account-state.js';
import { AirdropFaucet } from './airdrop-faucet.js';
import { BlockhashWindow } from './blockhash-window.js';
import type { LatestBlockhash } from './blockhash-window.js';
import { ChainError } from './chain-error.js';
import { clusterTimeAt } from './epochs.js';
import type { ClusterTime, EpochScheduleInfo } from './epochs.js';
import { transactionFee } from './fees.js';
import { Listeners } from './listeners.js';
import { accountKeysOf } from './message-account-keys.js';
import { SlotClock } from './slot-clock.js';
import { SNAPSHOT_FORMAT, accountFromSnapshot, accountToSnapshot } from './snapshot.js';
import type { LedgerSnapshot } from './snapshot.js';
import { SvmClient } from './svm-client.js';
import type { TransactionErrorJson } from './transaction-error.js';
import { TransactionHistory } from './transaction-history.js';
import type { InnerInstructionsJson, ReturnDataJson, TransactionRecord } from './transaction-record.js';

/**
 * The chain's state machine: litesvm plus what a validator adds around the SVM. Before
 * every transaction the Clock sysvar is set to wall-clock time and the current slot
 * (slots advance every ~400 ms); blockhashes are checked against a 150-slot window; every
 * account a transaction writes is indexed by owner (getProgramAccounts, persistence);
 * committed transactions are kept with their status and metadata (getTransaction,
 * getSignatureStatuses). Everything is final as soon as it is executed.
 */
const UPGRADEABLE_LOADER = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');
/** ProgramData: u32 LE 3 | u64 slot | u8 option (1 = Some) | authority 32 | ELF. */
const PROGRAM_DATA_HEADER = 4 + 8 + 1 + 32;

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

export class Ledger {
  private readonly svm: SvmClient;
  private readonly schedule: EpochScheduleInfo;
  private readonly clock: SlotClock;
  private readonly blockhashes: BlockhashWindow;
  private readonly faucet: AirdropFaucet;
  private readonly history: TransactionHistory;
  private readonly index = new AccountIndex();
  /** Every loaded program by base58 id: its ELF and the upgrade authority its ProgramData names (null: none). */
  private readonly programs = new Map<string, { elf: Uint8Array; upgradeAuthority: PublicKey | null }>();
  private readonly transactionListeners = new Listeners<TransactionRecord>();
  private readonly accountListeners = new Listeners<AccountChange>();
  private changeCount = 0;

  readonly genesisHash: string;
  readonly identity: PublicKey;

  private constructor(svm: SvmClient, snapshot: LedgerSnapshot | undefined, now: () => number) {
    this.svm = svm;
    this.schedule = svm.epochSchedule();
    this.genesisHash = snapshot?.genesisHash ?? bs58.encode(randomBytes(32));
    this.identity = snapshot ? new PublicKey(snapshot.identity) : Keypair.generate().publicKey;
    this.faucet = new AirdropFaucet(snapshot ? Keypair.fromSecretKey(bs58.decode(snapshot.faucetSecretKey)) : Keypair.generate(), this);
    this.history = new TransactionHistory(snapshot?.transactionCount, snapshot?.transactions);
    this.blockhashes = new BlockhashWindow(this.genesisHash);
    // A restarted chain continues after the last slot it saved.
    this.clock = new SlotClock(snapshot ? snapshot.slot + 1 : 0, now(), now);
    if (snapshot) this.restore(snapshot);
    else this.faucet.fill();
  }

  static async create(options: { snapshot?: LedgerSnapshot; now?: () => number } = {}): Promise<Ledger> {
    const svm = await SvmClient.start();
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
    return this.history.count;
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
    return this.svm.minimumBalanceForRentExemption(dataLength);
  }

  /** null for accounts that do not exist (never created, or closed to zero lamports). */
  account(address: PublicKey): AccountState | null {
    return this.accounts([address])[0] ?? null;
  }

  accounts(addresses: PublicKey[]): Array<AccountState | null> {
    return this.svm.accounts(addresses);
  }

  /** Every indexed account owned by `owner`: all accounts written since genesis, not the ones litesvm created itself. */
  accountsOwnedBy(owner: PublicKey): Array<{ address: PublicKey; account: AccountState }> {
    const addresses = this.index.ownedBy(owner);
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
    return this.history.get(signature);
  }

  /** Newest first. */
  recordsMentioning(address: PublicKey): TransactionRecord[] {
    return this.history.mentioning(address);
  }

  recentRecords(): IterableIterator<TransactionRecord> {
    return this.history.all();
  }

  onTransaction(listener: (record: TransactionRecord) => void): () => void {
    return this.transactionListeners.add(listener);
  }

  onAccountChange(listener: (change: AccountChange) => void): () => void {
    return this.accountListeners.add(listener);
  }

  simulate(transaction: VersionedTransaction, options: SimulationOptions): SimulationOutcome {
    const time = this.clusterTime();
    const replacementBlockhash = options.replaceRecentBlockhash ? this.blockhashes.latest(time.slot) : null;
    const candidate = replacementBlockhash ? withBlockhash(transaction, replacementBlockhash.blockhash) : transaction;
    const fee = Number(transactionFee(candidate.message));
    const base = { slot: time.slot, fee, replacementBlockhash };
    const refused = (err: TransactionErrorJson): SimulationOutcome => ({ ...base, err, logs: [], unitsConsumed: 0, returnData: null, innerInstructions: [], postAccounts: new Map() });
    if (!replacementBlockhash && !this.blockhashes.isValid(transaction.message.recentBlockhash, time.slot)) return refused('BlockhashNotFound');
    if (this.history.has(signatureOf(transaction))) return refused('AlreadyProcessed');
    const keys = accountKeysOf(candidate.message, (addresses) => this.accounts(addresses)).all;
    const result = this.svm.execute({ mode: 'simulate', transaction: candidate, wire: candidate.serialize(), time, sigVerify: options.sigVerify, keys, writable: [] });
    const { err, logs, unitsConsumed, returnData, innerInstructions, postAccounts } = result;
    return { ...base, err, logs, unitsConsumed, returnData, innerInstructions, postAccounts };
  }

  /** Executes a decoded, sanitized transaction. Rejected transactions (not committed, no fee) change nothing. */
  send(transaction: VersionedTransaction): SendOutcome {
    const signature = signatureOf(transaction);
    const rejected = (err: TransactionErrorJson): SendOutcome => ({ committed: false, err, logs: [], unitsConsumed: 0 });
    if (this.history.has(signature)) return rejected('AlreadyProcessed');
    const time = this.clusterTime();
    if (!this.blockhashes.isValid(transaction.message.recentBlockhash, time.slot)) return rejected('BlockhashNotFound');

    const keys = accountKeysOf(transaction.message, (addresses) => this.accounts(addresses));
    const writable = keys.all.flatMap((_, index) => (transaction.message.isAccountWritable(index) ? [index] : []));
    const wire = transaction.serialize();
    const result = this.svm.execute({ mode: 'send', transaction, wire, time, sigVerify: true, keys: keys.all, writable });
    if (!result.committed) {
      return { committed: false, err: result.err ?? 'UnknownError', logs: result.logs, unitsConsumed: result.unitsConsumed };
    }
    const record: TransactionRecord = {
      signature,
      slot: time.slot,
      blockTime: time.unixTimestamp,
      wire: Buffer.from(wire).toString('base64'),
      accountKeys: keys.all.map((key) => key.toBase58()),
      loadedAddresses: { writable: keys.loaded.writable.map((key) => key.toBase58()), readonly: keys.loaded.readonly.map((key) => key.toBase58()) },
      err: result.err,
      fee: Number(transactionFee(transaction.message)),
      preBalances: result.preBalances,
      postBalances: result.postBalances,
      logMessages: result.logs,
      innerInstructions: result.innerInstructions,
      computeUnitsConsumed: result.unitsConsumed,
      returnData: result.returnData,
    };
    this.history.add(record);
    this.changeCount += 1;
    writable.forEach((keyIndex, position) => {
      const address = keys.all[keyIndex];
      const before = result.writableBefore[position];
      const after = result.writableAfter[position];
      if (address && before !== undefined && after !== undefined) this.accountWritten(address, before, after, time.slot);
    });
    this.transactionListeners.emit(record);
    return { committed: true, record };
  }

  /** A real transfer from the chain's faucet (airdrop-faucet.ts). */
  airdrop(recipient: PublicKey, lamports: number): Promise<SendOutcome> {
    return this.faucet.airdrop(recipient, lamports);
  }

  /**
   * Deploys `elf` at `programId` through the upgradeable loader (litesvm's addProgram: a
   * program account `u32 2 | programdata address` and a ProgramData account
   * `u32 3 | u64 slot | option authority | ELF`), naming `upgradeAuthority` in its ProgramData
   * (litesvm names none), as a deployer's `solana program deploy` would.
   */
  addProgram(programId: PublicKey, elf: Uint8Array, upgradeAuthority: PublicKey | null = null): void {
    const addresses = [programId, programDataAddress(programId)];
    const before = this.accounts(addresses);
    const error = this.svm.addProgram(programId, elf, this.clusterTime());
    if (error !== null) {
      throw new ChainError('CHAIN_PROGRAM_INVALID', `program ${programId.toBase58()} could not be loaded (${error}): pass an SBF ELF (.so) built for the Solana BPF loader`);
    }
    this.programs.set(programId.toBase58(), { elf, upgradeAuthority: null });
    if (upgradeAuthority) this.writeUpgradeAuthority(programId, upgradeAuthority);
    const after = this.accounts(addresses);
    const slot = this.slot();
    addresses.forEach((address, index) => this.accountWritten(address, before[index] ?? null, after[index] ?? null, slot));
    this.changeCount += 1;
  }

  /** The upgrade authority a loaded program's ProgramData names (null: none, or not an upgradeable program). */
  upgradeAuthority(programId: PublicKey): PublicKey | null {
    const data = this.account(programDataAddress(programId))?.data;
    if (!data || data.length < PROGRAM_DATA_HEADER || Buffer.from(data).readUInt32LE(0) !== 3 || data[12] !== 1) return null;
    return new PublicKey(data.subarray(13, PROGRAM_DATA_HEADER));
  }

  /** Names `authority` (null: none) as a loaded program's upgrade authority, kept across restarts (genesis set-up). */
  setUpgradeAuthority(programId: PublicKey, authority: PublicKey | null): void {
    const address = programDataAddress(programId);
    const before = this.account(address);
    this.writeUpgradeAuthority(programId, authority);
    this.changeCount += 1;
    this.accountWritten(address, before, this.account(address), this.slot());
  }

  private writeUpgradeAuthority(programId: PublicKey, authority: PublicKey | null): void {
    const program = this.programs.get(programId.toBase58());
    const address = programDataAddress(programId);
    const account = this.account(address);
    if (!program || !account?.owner.equals(UPGRADEABLE_LOADER) || account.data.length < PROGRAM_DATA_HEADER || Buffer.from(account.data).readUInt32LE(0) !== 3) {
      throw new ChainError('CHAIN_PROGRAM_INVALID', `program ${programId.toBase58()} is not an upgradeable program loaded on this chain`);
    }
    const data = Buffer.from(account.data);
    data.writeUInt8(authority ? 1 : 0, 12);
    (authority ?? PublicKey.default).toBuffer().copy(data, 13);
    this.svm.setAccount(address, { ...account, data });
    program.upgradeAuthority = authority;
  }

  /** Overwrites an account outside any transaction (genesis set-up, tests, the onStart hook). */
  setAccount(address: PublicKey, account: AccountState): void {
    const before = this.account(address);
    this.svm.setAccount(address, account);
    this.changeCount += 1;
    this.accountWritten(address, before, this.account(address), this.slot());
  }

  snapshot(): LedgerSnapshot {
    const programAccounts = new Set([...this.programs.keys()].flatMap((id) => [id, programDataAddress(new PublicKey(id)).toBase58()]));
    const addresses = this.index.all().filter((address) => !programAccounts.has(address.toBase58()));
    const accounts = this.accounts(addresses);
    return {
      format: SNAPSHOT_FORMAT,
      genesisHash: this.genesisHash,
      identity: this.identity.toBase58(),
      faucetSecretKey: bs58.encode(this.faucet.keypair.secretKey),
      slot: this.slot(),
      transactionCount: this.history.count,
      programs: [...this.programs].map(([programId, { elf, upgradeAuthority }]) => ({
        programId, elf: Buffer.from(elf).toString('base64'), ...(upgradeAuthority ? { upgradeAuthority: upgradeAuthority.toBase58() } : {}),
      })),
      accounts: addresses.flatMap((address, index) => {
        const account = accounts[index];
        return account ? [accountToSnapshot(address, account)] : [];
      }),
      transactions: [...this.history.all()],
    };
  }

  /** Loads a snapshot's programs and accounts; the constructor takes the rest of it (history, slot, keys). */
  private restore(snapshot: LedgerSnapshot): void {
    for (const program of snapshot.programs) {
      const authority = program.upgradeAuthority ? new PublicKey(program.upgradeAuthority) : null;
      this.addProgram(new PublicKey(program.programId), Buffer.from(program.elf, 'base64'), authority);
    }
    for (const saved of snapshot.accounts) this.setAccount(new PublicKey(saved.address), accountFromSnapshot(saved));
    this.changeCount = 0;
  }

  /** Re-indexes a written account and tells listeners when it changed. */
  private accountWritten(address: PublicKey, before: AccountState | null, after: AccountState | null, slot: number): void {
    this.index.update(address, after);
    if (!sameAccount(before, after)) this.accountListeners.emit({ address, account: after, slot });
  }
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
