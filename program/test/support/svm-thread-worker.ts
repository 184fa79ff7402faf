/**
 * The worker side of svm-thread.ts: owns one litesvm with the program loaded and answers
 * one request at a time with plain data. After a program ran, this thread's FPU state is
 * not trustworthy (see svm-thread.ts), so nothing here does floating-point math.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Clock, FailedTransactionMetadata, InstructionErrorCustom, LiteSvm, TransactionErrorInstructionError } from 'litesvm/dist/internal.js';
import type { SvmThreadOperations, SvmThreadReply, SvmThreadRequest, WireAccount, WireOutcome } from './svm-thread-protocol.js';

const { port, signal, programId, elf } = workerData as { port: MessagePort; signal: Int32Array; programId: Uint8Array; elf: Uint8Array };

let svm = freshSvm();

function freshSvm(): LiteSvm {
  const fresh = new LiteSvm();
  // Callers pick a random blockhash per transaction so that no two are ever the same.
  fresh.setBlockhashCheck(false);
  fresh.addProgram(programId, elf);
  return fresh;
}

type Handlers = { [K in keyof SvmThreadOperations]: (input: SvmThreadOperations[K]['input']) => SvmThreadOperations[K]['output'] };

const handlers: Handlers = {
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
};

port.on('message', (request: SvmThreadRequest) => {
  let reply: SvmThreadReply;
  try {
    const handler = handlers[request.op] as (input: unknown) => unknown;
    reply = { id: request.id, ok: true, value: handler(request.input) };
  } catch (err) {
    reply = { id: request.id, ok: false, error: (err as Error).stack ?? String(err) };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});

parentPort?.postMessage('ready');

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
