/**
 * litesvm with the real program on a worker thread of its own, called synchronously, for
 * tests that generate their inputs with fast-check on the main thread.
 *
 * Why a thread: litesvm 0.8.0's linux-x64 addon can leave the x87 FPU state of the thread
 * that executed a transaction dirty (measured here: the first floating-point `%` after a
 * transaction invoking the SPL memo program returns NaN), and fast-check's random
 * generation relies on `%` of doubles, so a seed would no longer replay the same
 * sequence. CPU state is per thread: the main thread stays exact. V8's allocation-site
 * pretenuring is turned off for the same reason as in bootstrap/src/chain/litesvm-heap-workaround.ts
 * (a dirty FPU state makes that GC step abort with std::bad_alloc). One call is a
 * postMessage plus Atomics.wait (tens of microseconds).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { PublicKey } from '@solana/web3.js';
import type { SvmThreadOperation, SvmThreadOperations, SvmThreadReply, SvmThreadRequest, WireAccount, WireOutcome } from './svm-thread-protocol.js';

export type { WireAccount, WireOutcome } from './svm-thread-protocol.js';

const CALL_TIMEOUT_MS = 60_000;

export class SvmThread {
  private failure: Error | undefined;
  private calls = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
  ) {
    worker.on('error', (err) => (this.failure = err));
    worker.on('exit', () => (this.failure ??= new Error('the litesvm worker exited')));
  }

  /** Starts the worker with `programSo` loaded at `programId`. */
  static async start(programId: PublicKey, programSo: string): Promise<SvmThread> {
    setFlagsFromString('--no-allocation-site-pretenuring');
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const elf = readFileSync(programSo);
    const worker = startWorker({ port: port2, signal, programId: programId.toBytes(), elf }, [port2]);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', (err) => reject(new Error(`the litesvm worker failed to start: ${err.message}`)));
      worker.once('exit', (code) => reject(new Error(`the litesvm worker exited with code ${code} while starting`)));
    });
    worker.removeAllListeners();
    return new SvmThread(worker, port1, signal);
  }

  reset(unixTimestamp: bigint): void {
    this.call('reset', { unixTimestamp });
  }

  airdrop(address: PublicKey, lamports: bigint): void {
    this.call('airdrop', { address: address.toBytes(), lamports });
  }

  setTime(unixTimestamp: bigint): void {
    this.call('setTime', { unixTimestamp });
  }

  send(wire: Uint8Array): WireOutcome {
    return this.call('send', { wire });
  }

  accounts(addresses: PublicKey[]): Array<WireAccount | null> {
    return this.call('accounts', { addresses: addresses.map((a) => a.toBytes()) });
  }

  rent(dataLength: bigint): bigint {
    return this.call('rent', { dataLength });
  }

  stop(): Promise<number> {
    this.port.close();
    return this.worker.terminate();
  }

  private call<K extends SvmThreadOperation>(op: K, input: SvmThreadOperations[K]['input']): SvmThreadOperations[K]['output'] {
    if (this.failure) throw new Error(`the litesvm worker failed: ${this.failure.message}`);
    Atomics.store(this.signal, 0, 0);
    const request: SvmThreadRequest<K> = { id: ++this.calls, op, input };
    this.port.postMessage(request);
    // Wait for the value, not for a wake-up: the worker's notify of the previous answer can
    // land after that answer was read and wake this wait before the new answer exists.
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    while (Atomics.load(this.signal, 0) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the litesvm worker did not answer "${op}" within ${CALL_TIMEOUT_MS / 1000} s (it may have crashed: see stderr)`);
      Atomics.wait(this.signal, 0, 0, left);
    }
    const reply = receiveMessageOnPort(this.port)?.message as SvmThreadReply | undefined;
    if (!reply) throw new Error(`the litesvm worker signalled an answer to "${op}" but sent none`);
    if (reply.id !== request.id) throw new Error(`the litesvm worker answered call ${reply.id} instead of ${request.id} ("${op}")`);
    if (!reply.ok) throw new Error(`litesvm failed in "${op}": ${reply.error}`);
    return reply.value as SvmThreadOperations[K]['output'];
  }
}

/** Worker threads do not inherit tsx's loader hooks: register them in the worker first. */
function startWorker(workerData: unknown, transferList: MessagePort[]): Worker {
  const entry = new URL('./svm-thread-worker.ts', import.meta.url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, transferList });
}
