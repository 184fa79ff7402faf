/**
 * The worker side of svm-thread.ts: owns one litesvm with the program loaded and answers
 * its calls with plain data. After a program ran, this thread's FPU state is not
 * trustworthy (see bootstrap/src/chain/isolated-svm.ts), so nothing here does
 * floating-point math.
 */
import { Clock, FailedTransactionMetadata, InstructionErrorCustom, LiteSvm, TransactionErrorInstructionError } from 'litesvm/dist/internal.js';
import { serveSyncCalls, syncWorkerData } from '@decloud/bootstrap/src/chain/sync-worker.js';
import type { SvmThreadOperations, SvmThreadProgram, WireAccount, WireOutcome } from './svm-thread-protocol.js';

const { programId, elf } = syncWorkerData<SvmThreadProgram>();

let svm = freshSvm();

function freshSvm(): LiteSvm {
  const fresh = new LiteSvm();
  // Callers pick a random blockhash per transaction so that no two are ever the same.
  fresh.setBlockhashCheck(false);
  fresh.addProgram(programId, elf);
  return fresh;
}

serveSyncCalls<SvmThreadOperations>({
  reset: ({ unixTimestamp }) => {
    svm = freshSvm();
    setTime(unixTimestamp);
    return null;
  },
  airdrop: ({ address, lamports }) => {
    const result = svm.airdrop(address, lamports);
    if (!result || result instanceof FailedTransactionMetadata) throw new Error(`airdrop failed: ${result?.toString() ?? 'no result'}`);
    return null;
  },
  setTime: ({ unixTimestamp }) => {
    setTime(unixTimestamp);
    return null;
  },
  send: ({ wire }) => outcomeOf(svm.sendLegacyTransaction(wire)),
  accounts: ({ addresses }) => addresses.map(accountAt),
  rent: ({ dataLength }) => svm.minimumBalanceForRentExemption(dataLength),
});

function setTime(unixTimestamp: bigint): void {
  const clock = svm.getClock();
  svm.setClock(new Clock(clock.slot, clock.epochStartTimestamp, clock.epoch, clock.leaderScheduleEpoch, unixTimestamp));
}

function accountAt(address: Uint8Array): WireAccount | null {
  const account = svm.getAccount(address);
  if (!account || account.lamports() === 0n) return null;
  return { lamports: account.lamports(), owner: account.owner(), data: account.data() };
}

function outcomeOf(result: ReturnType<LiteSvm['sendLegacyTransaction']>): WireOutcome {
  if (!(result instanceof FailedTransactionMetadata)) return { ok: true, logs: result.logs() };
  const error = result.err();
  const inner = error instanceof TransactionErrorInstructionError ? error.err() : undefined;
  const code = inner instanceof InstructionErrorCustom ? inner.code : undefined;
  const err = typeof error === 'number' ? `transaction error ${error} (litesvm TransactionErrorFieldless)` : error.toString();
  return { ok: false, logs: result.meta().logs(), err, code, instructionError: inner !== undefined };
}
