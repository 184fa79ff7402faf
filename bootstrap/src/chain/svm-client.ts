import { PublicKey } from '@solana/web3.js';
import type { VersionedTransaction } from '@solana/web3.js';
import bs58 from 'bs58';
import type { AccountState } from './account-state.js';
import type { ClusterTime, EpochScheduleInfo } from './epochs.js';
import { startIsolatedSvm } from './isolated-svm.js';
import type { ClockFields, ExecutionRequest, ExecutionResult, PlainAccount, SvmOperations } from './svm-protocol.js';
import { siblingModule } from './sync-worker.js';
import type { SyncWorker } from './sync-worker.js';
import { innerInstructionsToJson, returnDataToJson } from './transaction-record.js';
import type { InnerInstructionsJson, ReturnDataJson } from './transaction-record.js';

/**
 * The ledger's litesvm, on its worker thread (svm-worker.ts), called synchronously in the
 * ledger's own types: the plain data of svm-protocol.ts stays behind this class.
 */
export interface Execution extends Pick<ExecutionResult, 'err' | 'committed' | 'logs'> {
  unitsConsumed: number;
  returnData: ReturnDataJson | null;
  innerInstructions: InnerInstructionsJson[];
  preBalances: number[];
  postBalances: number[];
  writableBefore: Array<AccountState | null>;
  writableAfter: Array<AccountState | null>;
  /** for `simulate`, by base58 address */
  postAccounts: Map<string, AccountState | null>;
}

export interface ExecutionInput {
  mode: ExecutionRequest['mode'];
  transaction: VersionedTransaction;
  /** the transaction's wire bytes */
  wire: Uint8Array;
  time: ClusterTime;
  sigVerify: boolean;
  /** every account key of the message, static then loaded */
  keys: PublicKey[];
  /** indexes into `keys` of the writable accounts */
  writable: number[];
}

export class SvmClient {
  private constructor(private readonly worker: SyncWorker<SvmOperations>) {}

  static async start(): Promise<SvmClient> {
    return new SvmClient(await startIsolatedSvm<SvmOperations>(siblingModule(import.meta.url, 'svm-worker')));
  }

  /** Stops the worker thread; nothing can be called afterwards. */
  stop(): Promise<void> {
    return this.worker.stop();
  }

  epochSchedule(): EpochScheduleInfo {
    const schedule = this.worker.call('epochSchedule', {});
    return {
      slotsPerEpoch: Number(schedule.slotsPerEpoch),
      leaderScheduleSlotOffset: Number(schedule.leaderScheduleSlotOffset),
      warmup: schedule.warmup,
      firstNormalEpoch: Number(schedule.firstNormalEpoch),
      firstNormalSlot: Number(schedule.firstNormalSlot),
    };
  }

  minimumBalanceForRentExemption(dataLength: number): number {
    return Number(this.worker.call('minimumBalanceForRentExemption', { dataLength: BigInt(dataLength) }));
  }

  accounts(addresses: PublicKey[]): Array<AccountState | null> {
    if (addresses.length === 0) return [];
    return this.worker.call('getAccounts', { addresses: addresses.map((address) => address.toBytes()) }).map(accountState);
  }

  setAccount(address: PublicKey, account: AccountState): void {
    this.worker.call('setAccount', {
      address: address.toBytes(),
      account: {
        lamports: BigInt(account.lamports),
        owner: account.owner.toBytes(),
        executable: account.executable,
        rentEpoch: u64(account.rentEpoch ?? 0),
        data: account.data,
      },
    });
  }

  /** null when the program was loaded, otherwise litesvm's reason why not. */
  addProgram(programId: PublicKey, elf: Uint8Array, time: ClusterTime): string | null {
    return this.worker.call('addProgram', { programId: programId.toBytes(), elf, clock: clockFields(time) }).error;
  }

  execute(input: ExecutionInput): Execution {
    const result = this.worker.call('execute', {
      mode: input.mode,
      wire: input.wire,
      signature: input.transaction.signatures[0] ?? new Uint8Array(64),
      sigVerify: input.sigVerify,
      clock: clockFields(input.time),
      keys: input.keys.map((key) => key.toBytes()),
      writable: input.writable,
    });
    return {
      err: result.err,
      committed: result.committed,
      logs: result.logs,
      unitsConsumed: Number(result.unitsConsumed),
      returnData: returnDataToJson(result.returnData),
      innerInstructions: innerInstructionsToJson(result.innerInstructions),
      preBalances: result.preBalances.map(Number),
      postBalances: result.postBalances.map(Number),
      writableBefore: result.writableBefore.map(accountState),
      writableAfter: result.writableAfter.map(accountState),
      postAccounts: new Map(result.postAccounts.map(([address, account]) => [bs58.encode(address), accountState(account)])),
    };
  }
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
