/**
 * litesvm with the real program on a worker thread of its own, called synchronously, for
 * tests that generate their inputs with fast-check on the main thread. The thread keeps
 * litesvm's dirty FPU state (see bootstrap/src/chain/isolated-svm.ts) away from
 * fast-check's random generation, which relies on `%` of doubles: with it on this thread,
 * a seed would no longer replay the same sequence.
 */
import { readFileSync } from 'node:fs';
import type { PublicKey } from '@solana/web3.js';
import { startIsolatedSvm } from '@decloud/bootstrap/src/chain/isolated-svm.js';
import { siblingModule } from '@decloud/bootstrap/src/chain/sync-worker.js';
import type { SyncWorker } from '@decloud/bootstrap/src/chain/sync-worker.js';
import type { SvmThreadOperations, SvmThreadProgram, WireAccount, WireOutcome } from './svm-thread-protocol.js';

export type { WireAccount, WireOutcome } from './svm-thread-protocol.js';

export class SvmThread {
  private constructor(private readonly worker: SyncWorker<SvmThreadOperations>) {}

  /** Starts the worker with `programSo` loaded at `programId`. */
  static async start(programId: PublicKey, programSo: string): Promise<SvmThread> {
    const program: SvmThreadProgram = { programId: programId.toBytes(), elf: readFileSync(programSo) };
    return new SvmThread(await startIsolatedSvm<SvmThreadOperations>(siblingModule(import.meta.url, 'svm-thread-worker'), program));
  }

  /** A fresh chain: the program deployed with `upgradeAuthority`, the clock at `unixTimestamp`. */
  reset(unixTimestamp: bigint, upgradeAuthority: PublicKey): void {
    this.worker.call('reset', { unixTimestamp, upgradeAuthority: upgradeAuthority.toBytes() });
  }

  airdrop(address: PublicKey, lamports: bigint): void {
    this.worker.call('airdrop', { address: address.toBytes(), lamports });
  }

  setTime(unixTimestamp: bigint): void {
    this.worker.call('setTime', { unixTimestamp });
  }

  send(wire: Uint8Array): WireOutcome {
    return this.worker.call('send', { wire });
  }

  accounts(addresses: PublicKey[]): Array<WireAccount | null> {
    return this.worker.call('accounts', { addresses: addresses.map((a) => a.toBytes()) });
  }

  rent(dataLength: bigint): bigint {
    return this.worker.call('rent', { dataLength });
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }
}
