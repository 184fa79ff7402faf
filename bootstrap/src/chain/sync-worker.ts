import { MessageChannel, Worker, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A synchronous call into a worker thread: the main thread posts a request and blocks on
 * Atomics.wait until the worker flips a shared signal, then reads the reply with
 * receiveMessageOnPort (one round trip is tens of microseconds). For code that must run on
 * a thread of its own behind a synchronous API (litesvm: see isolated-svm.ts).
 *
 * Both sides are here: SyncWorker on the main thread, serveSyncCalls and syncWorkerData in
 * the worker. `Ops` names each operation's input and output, as plain data (structured
 * clone: bigints and byte arrays pass as they are).
 */
export type SyncOperations<Ops> = { [K in keyof Ops]: { input: unknown; output: unknown } };

export type SyncHandlers<Ops extends SyncOperations<Ops>> = { [K in keyof Ops]: (input: Ops[K]['input']) => Ops[K]['output'] };

interface SyncRequest {
  /** echoed in the reply, so an answer can never be taken for another call's */
  id: number;
  op: string;
  input: unknown;
}

type SyncReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; error: string });

/** What the worker gets as workerData: the channel and signal of the calls, and the starter's own data. */
interface SyncWorkerData {
  port: MessagePort;
  signal: Int32Array;
  data: unknown;
}

const CALL_TIMEOUT_MS = 60_000;

export class SyncWorker<Ops extends SyncOperations<Ops>> {
  private calls = 0;
  private stopped = false;
  private failure: Error | undefined;

  private constructor(
    /** how error messages call the worker, e.g. "the litesvm worker" */
    private readonly name: string,
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
  ) {
    worker.on('error', (err) => (this.failure = err));
    worker.on('exit', () => (this.failure ??= new Error(`${name} exited`)));
    // It only works while the main thread waits for it, so it never keeps the process alive.
    worker.unref();
  }

  /**
   * Starts the worker module at `entry` (see siblingModule) and waits until it serves calls.
   * `data` reaches the worker through syncWorkerData().
   */
  static async start<Ops extends SyncOperations<Ops>>(entry: URL, options: { name: string; data?: unknown }): Promise<SyncWorker<Ops>> {
    const { name, data } = options;
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const workerData: SyncWorkerData = { port: port2, signal, data };
    const worker = startWorker(entry, workerData, [port2]);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', (err) => reject(new Error(`${name} failed to start: ${err.message}`)));
      worker.once('exit', (code) => reject(new Error(`${name} exited with code ${code} while starting`)));
    });
    worker.removeAllListeners();
    return new SyncWorker<Ops>(name, worker, port1, signal);
  }

  call<K extends keyof Ops & string>(op: K, input: Ops[K]['input']): Ops[K]['output'] {
    if (this.stopped) throw new Error(`${this.name} was stopped`);
    if (this.failure) throw new Error(`${this.name} failed: ${this.failure.message}`);
    Atomics.store(this.signal, 0, 0);
    const request: SyncRequest = { id: ++this.calls, op, input };
    this.port.postMessage(request);
    // Wait for the value, not for a wake-up: the worker's notify of the previous answer can
    // land after that answer was read and wake this wait before the new answer exists.
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    while (Atomics.load(this.signal, 0) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name} did not answer "${op}" within ${CALL_TIMEOUT_MS / 1000} s (it may have crashed: see stderr)`);
      Atomics.wait(this.signal, 0, 0, left);
    }
    const reply = receiveMessageOnPort(this.port)?.message as SyncReply | undefined;
    if (!reply) throw new Error(`${this.name} signalled an answer to "${op}" but sent none`);
    if (reply.id !== request.id) throw new Error(`${this.name} answered call ${reply.id} instead of ${request.id} ("${op}")`);
    if (!reply.ok) throw new Error(`${this.name} failed in "${op}": ${reply.error}`);
    return reply.value as Ops[K]['output'];
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.port.close();
    await this.worker.terminate();
  }
}

/**
 * The module `name` in the folder of the module at `moduleUrl` (pass import.meta.url), with
 * the same extension: `.ts` when running from sources under tsx, `.js` once compiled.
 */
export function siblingModule(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(moduleUrl))}`, moduleUrl);
}

function startWorker(entry: URL, workerData: SyncWorkerData, transferList: MessagePort[]): Worker {
  if (extname(fileURLToPath(entry)) !== '.ts') return new Worker(entry, { workerData, transferList });
  // Running from TypeScript sources: worker threads do not inherit tsx's loader hooks, so register them in the worker first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, transferList });
}

/**
 * In the worker: answers the main thread's calls with `handlers`, one at a time, then tells
 * it that calls can come. A handler's exception goes back as the call's error.
 */
export function serveSyncCalls<Ops extends SyncOperations<Ops>>(handlers: SyncHandlers<Ops>): void {
  const { port, signal } = workerData as SyncWorkerData;
  port.on('message', (request: SyncRequest) => {
    let reply: SyncReply;
    try {
      const handler = handlers[request.op as keyof Ops] as (input: unknown) => unknown;
      reply = { id: request.id, ok: true, value: handler(request.input) };
    } catch (err) {
      reply = { id: request.id, ok: false, error: (err as Error).stack ?? String(err) };
    }
    port.postMessage(reply);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
  parentPort?.postMessage('ready');
}

/** In the worker: the `data` given to SyncWorker.start. */
export function syncWorkerData<T>(): T {
  return (workerData as SyncWorkerData).data as T;
}
