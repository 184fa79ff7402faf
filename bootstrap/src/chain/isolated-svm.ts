import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyLiteSvmHeapWorkaround } from './litesvm-heap-workaround.js';
import type { SvmOperation, SvmOperations, SvmReply, SvmRequest } from './svm-protocol.js';

/**
 * litesvm behind a synchronous call into a worker thread of its own.
 *
 * Why a thread: litesvm 0.8.0's linux-x64 addon leaves the x87 FPU state of the thread
 * that ran an SBF program dirty (measured: the next floating-point `%` in JS returns NaN;
 * seeded fast-check and a pure-JS xorshift give different results right after a program
 * ran; V8's GC aborts with std::bad_alloc). CPU state is per thread, so running litesvm
 * on its own thread keeps the main thread, the RPC server and everything else in the
 * process exact. Calls block on Atomics.wait and read the answer with
 * receiveMessageOnPort, so the ledger keeps a synchronous API (one round trip ~20 us).
 */
const CALL_TIMEOUT_MS = 60_000;

export class IsolatedSvm {
  private readonly signal: Int32Array;
  private stopped = false;
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    signal: Int32Array,
  ) {
    this.signal = signal;
    worker.on('error', (err) => (this.failure = err));
    worker.on('exit', () => (this.failure ??= new Error('the litesvm worker exited')));
    worker.unref();
  }

  /** Starts the worker and waits until litesvm is loaded in it. */
  static async start(): Promise<IsolatedSvm> {
    applyLiteSvmHeapWorkaround();
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = startWorker({ port: port2, signal }, [port2]);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', (err) => reject(new Error(`the litesvm worker failed to start: ${err.message}`)));
      worker.once('exit', (code) => reject(new Error(`the litesvm worker exited with code ${code} while starting`)));
    });
    worker.removeAllListeners();
    return new IsolatedSvm(worker, port1, signal);
  }

  call<K extends SvmOperation>(op: K, input: SvmOperations[K]['input']): SvmOperations[K]['output'] {
    if (this.stopped) throw new Error('the litesvm worker was stopped: the ledger is closed');
    if (this.failure) throw new Error(`the litesvm worker failed: ${this.failure.message}`);
    Atomics.store(this.signal, 0, 0);
    const request: SvmRequest<K> = { op, input };
    this.port.postMessage(request);
    // Wait for the value, not for a wake-up: the worker's notify of the previous answer can
    // land after that answer was read and wake this wait before the new answer exists.
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    while (Atomics.load(this.signal, 0) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the litesvm worker did not answer "${op}" within ${CALL_TIMEOUT_MS / 1000} s (it may have crashed: see stderr)`);
      Atomics.wait(this.signal, 0, 0, left);
    }
    const reply = receiveMessageOnPort(this.port)?.message as SvmReply | undefined;
    if (!reply) throw new Error(`the litesvm worker signalled an answer to "${op}" but sent none`);
    if (!reply.ok) throw new Error(`litesvm failed in "${op}": ${reply.error}`);
    return reply.value as SvmOperations[K]['output'];
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.port.close();
    await this.worker.terminate();
  }
}

function startWorker(workerData: unknown, transferList: MessagePort[]): Worker {
  const extension = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./svm-worker${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(entry, { workerData, transferList });
  // Running from TypeScript sources: worker threads do not inherit tsx's loader hooks, so register them in the worker first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, transferList });
}
