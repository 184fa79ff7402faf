import {
  Account,
  Clock,
  FailedTransactionMetadata,
  InstructionErrorBorshIo,
  InstructionErrorCustom,
  LiteSvm,
  SimulatedTransactionInfo,
  TransactionErrorDuplicateInstruction,
  TransactionErrorInstructionError,
  TransactionErrorInsufficientFundsForRent,
  TransactionErrorProgramExecutionTemporarilyRestricted,
} from 'litesvm/dist/internal.js';
import type { TransactionMetadata } from 'litesvm/dist/internal.js';
import type { ClockFields, ExecutionRequest, ExecutionResult, PlainAccount, SvmOperations } from './svm-protocol.js';
import { serveSyncCalls } from './sync-worker.js';
import { fieldlessInstructionErrorName, fieldlessTransactionErrorName } from './transaction-error.js';
import type { InstructionErrorJson, TransactionErrorJson } from './transaction-error.js';

/**
 * The worker thread that owns the ledger's litesvm (see isolated-svm.ts for why it has a
 * thread of its own) and answers the ledger's calls with plain data. The code here stays
 * minimal on purpose: after a program ran, this thread's FPU state is not trustworthy (no
 * floating-point `%` here).
 */
const svm = new LiteSvm();
// The ledger checks blockhash age itself (litesvm only knows one latest blockhash).
svm.setBlockhashCheck(false);
svm.setSigverify(true);

serveSyncCalls<SvmOperations>({
  getAccounts: ({ addresses }) => addresses.map(accountAt),
  setAccount: ({ address, account }) => {
    svm.setAccount(address, new Account(account.lamports, account.data, account.owner, account.executable, account.rentEpoch));
    return null;
  },
  addProgram: ({ programId, elf, clock }) => {
    setClock(clock);
    try {
      svm.addProgram(programId, elf);
      return { error: null };
    } catch (err) {
      return { error: (err as Error).message };
    }
  },
  execute: execute,
  minimumBalanceForRentExemption: ({ dataLength }) => svm.minimumBalanceForRentExemption(dataLength),
  epochSchedule: () => {
    const schedule = svm.getEpochSchedule();
    return {
      slotsPerEpoch: schedule.slotsPerEpoch,
      leaderScheduleSlotOffset: schedule.leaderScheduleSlotOffset,
      warmup: schedule.warmup,
      firstNormalEpoch: schedule.firstNormalEpoch,
      firstNormalSlot: schedule.firstNormalSlot,
    };
  },
});

function execute(request: ExecutionRequest): ExecutionResult {
  setClock(request.clock);
  const writableAccounts = () => request.writable.map((index) => accountAt(request.keys[index] ?? new Uint8Array(32)));
  const balances = () => request.keys.map((key) => svm.getBalance(key) ?? 0n);
  const writableBefore = writableAccounts();
  const preBalances = balances();
  svm.setSigverify(request.sigVerify);
  let outcome: TransactionMetadata | FailedTransactionMetadata | SimulatedTransactionInfo;
  try {
    outcome = request.mode === 'send' ? svm.sendVersionedTransaction(request.wire) : svm.simulateVersionedTransaction(request.wire);
  } finally {
    svm.setSigverify(true);
  }
  const failed = outcome instanceof FailedTransactionMetadata ? outcome : undefined;
  const simulated = outcome instanceof SimulatedTransactionInfo ? outcome : undefined;
  const meta: TransactionMetadata = failed ? failed.meta() : simulated ? simulated.meta() : (outcome as TransactionMetadata);
  const err = failed ? transactionErrorToJson(failed.err()) : null;
  // A failed transaction is on the ledger only if litesvm kept it in its history (it was charged its fee).
  const committed = request.mode === 'send' && (err === null || svm.getTransaction(request.signature) !== null);
  const returnData = meta.returnData();
  return {
    err,
    committed,
    logs: meta.logs(),
    unitsConsumed: meta.computeUnitsConsumed(),
    innerInstructions: meta.innerInstructions().map((list) =>
      list.map((inner) => {
        const ix = inner.instruction();
        return { programIdIndex: ix.programIdIndex(), accounts: ix.accounts(), data: ix.data(), stackHeight: inner.stackHeight() };
      }),
    ),
    returnData: { programId: returnData.programId(), data: returnData.data() },
    preBalances,
    postBalances: balances(),
    writableBefore,
    writableAfter: writableAccounts(),
    postAccounts: simulated ? simulated.postAccounts().map((entry) => [entry.address, plainAccount(entry.account())]) : [],
  };
}

function setClock(clock: ClockFields): void {
  svm.setClock(new Clock(clock.slot, clock.epochStartTimestamp, clock.epoch, clock.leaderScheduleEpoch, clock.unixTimestamp));
}

function accountAt(address: Uint8Array): PlainAccount | null {
  const account = svm.getAccount(address);
  return account ? plainAccount(account) : null;
}

function plainAccount(account: Account): PlainAccount {
  return { lamports: account.lamports(), owner: account.owner(), executable: account.executable(), rentEpoch: account.rentEpoch(), data: account.data() };
}

function transactionErrorToJson(err: ReturnType<FailedTransactionMetadata['err']>): TransactionErrorJson {
  if (typeof err === 'number') return fieldlessTransactionErrorName(err);
  if (err instanceof TransactionErrorInstructionError) return { InstructionError: [err.index, instructionErrorToJson(err.err())] };
  if (err instanceof TransactionErrorDuplicateInstruction) return { DuplicateInstruction: err.index };
  if (err instanceof TransactionErrorInsufficientFundsForRent) return { InsufficientFundsForRent: { account_index: err.accountIndex } };
  if (err instanceof TransactionErrorProgramExecutionTemporarilyRestricted) {
    return { ProgramExecutionTemporarilyRestricted: { account_index: err.accountIndex } };
  }
  return String(err);
}

function instructionErrorToJson(err: ReturnType<TransactionErrorInstructionError['err']>): InstructionErrorJson {
  if (typeof err === 'number') return fieldlessInstructionErrorName(err);
  if (err instanceof InstructionErrorCustom) return { Custom: err.code };
  if (err instanceof InstructionErrorBorshIo) return { BorshIoError: err.msg };
  return String(err);
}
