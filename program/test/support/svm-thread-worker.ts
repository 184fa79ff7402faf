/**
 * The worker side of svm-thread.ts: owns one litesvm with the program loaded and answers
 * its calls with plain data. After a program ran, this thread's FPU state is not
 * trustworthy (see bootstrap/src/chain/isolated-svm.ts), so nothing here does
 * floating-point math.
 */
import { Account, Clock, FailedTransactionMetadata, InstructionErrorCustom, LiteSvm, TransactionErrorInstructionError } from 'litesvm/dist/internal.js';
import { PublicKey } from '@solana/web3.js';
import { serveSyncCalls, syncWorkerData } from '@decloud/bootstrap/src/chain/sync-worker.js';
import type { SvmThreadOperations, SvmThreadProgram, WireAccount, WireOutcome } from './svm-thread-protocol.js';

const { programId, elf } = syncWorkerData<SvmThreadProgram>();

const UPGRADEABLE_LOADER = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');
const programData = PublicKey.findProgramAddressSync([programId], UPGRADEABLE_LOADER)[0].toBytes();

let svm = freshSvm(new Uint8Array(32));

/**
 * litesvm with the program deployed through the upgradeable loader (its addProgram does:
 * ProgramData = u32 3 | u64 slot | u8 option | authority 32 | ELF) and `upgradeAuthority`
 * written into the ProgramData header, as in support/chain.ts.
 */
function freshSvm(upgradeAuthority: Uint8Array): LiteSvm {
  const fresh = new LiteSvm();
  // Callers pick a random blockhash per transaction so that no two are ever the same.
  fresh.setBlockhashCheck(false);
  fresh.addProgram(programId, elf);
  const account = fresh.getAccount(programData);
  if (!account) throw new Error('litesvm no longer deploys through the upgradeable loader');
  const data = Uint8Array.from(account.data());
  data[12] = 1;
  data.set(upgradeAuthority, 13);
  fresh.setAccount(programData, new Account(account.lamports(), data, account.owner(), account.executable(), account.rentEpoch()));
  return fresh;
}

serveSyncCalls<SvmThreadOperations>({
  reset: ({ unixTimestamp, upgradeAuthority }) => {
    svm = freshSvm(upgradeAuthority);
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
