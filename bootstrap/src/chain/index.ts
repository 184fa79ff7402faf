import { mkdir, readFile } from 'node:fs/promises';
import { PublicKey } from '@solana/web3.js';
import { ChainError } from './chain-error.js';
import { Ledger } from './ledger.js';
import { startRpcServer } from './rpc-server.js';
import type { RpcServer } from './rpc-server.js';
import { readSnapshot, removeSnapshot, writeSnapshot } from './snapshot.js';

/**
 * decloud-chain: a local Solana-compatible chain (litesvm behind the JSON-RPC subset
 * web3.js and Anchor use). Every part of DeCloud talks to a chain only through an RPC URL,
 * so this and devnet or a real validator are interchangeable.
 */
export type { AccountState } from './account-state.js';
export { ChainError } from './chain-error.js';
export { Ledger } from './ledger.js';
export type { AccountChange, SendOutcome, SimulationOutcome } from './ledger.js';
export type { TransactionRecord } from './transaction-record.js';

export interface ProgramSource {
  programId: PublicKey | string;
  /** path of the program's .so; or give the bytes as `elf` */
  path?: string;
  elf?: Uint8Array;
  /** the upgrade authority its ProgramData names (the upgradeable loader's deploy); none when absent */
  upgradeAuthority?: PublicKey | string;
}

export interface LocalChainOptions {
  /** default 127.0.0.1 */
  host?: string;
  /** default 8899; 0 picks a free port (websockets also listen on port + 1) */
  port?: number;
  /** directory the ledger is saved to and restored from; in memory only when absent */
  stateDir?: string;
  /** discard the state saved in `stateDir` first */
  reset?: boolean;
  /** programs to load (again) at start; they replace stored programs with the same id */
  programs?: ProgramSource[];
  /** runs once the RPC endpoint answers, e.g. to initialize the program config when `firstStart` */
  onStart?: (chain: LocalChain) => Promise<void>;
  /** how often changed state is saved, default 1000 ms */
  saveIntervalMs?: number;
  log?: (message: string) => void;
}

export interface LocalChain {
  rpcUrl: string;
  wsUrl: string;
  ledger: Ledger;
  /** true when no saved state was restored */
  firstStart: boolean;
  /** writes the state now (when a state directory is set) */
  save(): Promise<void>;
  /** stops serving and saves the state */
  close(): Promise<void>;
}

export async function startLocalChain(options: LocalChainOptions = {}): Promise<LocalChain> {
  const { stateDir } = options;
  const log = options.log ?? (() => {});
  if (stateDir) {
    await mkdir(stateDir, { recursive: true });
    if (options.reset) await removeSnapshot(stateDir);
  }
  const snapshot = stateDir ? await readSnapshot(stateDir) : undefined;
  const ledger = await Ledger.create({ snapshot });
  let server: RpcServer;
  try {
    for (const program of options.programs ?? []) ledger.addProgram(programIdOf(program), await programElf(program), upgradeAuthorityOf(program));
    server = await startRpcServer({ ledger, host: options.host ?? '127.0.0.1', port: options.port ?? 8899, log });
  } catch (err) {
    await ledger.close();
    throw err;
  }

  let savedRevision = -1;
  let saving = Promise.resolve();
  /** Saves serially; skips when nothing changed, unless forced (at close the slot is worth keeping too). */
  const save = (force = false): Promise<void> => {
    if (!stateDir) return Promise.resolve();
    const write = async () => {
      const revision = ledger.revision;
      if (revision === savedRevision && !force) return;
      await writeSnapshot(stateDir, ledger.snapshot());
      savedRevision = revision;
    };
    const next = saving.then(write, write);
    saving = next.catch(() => undefined);
    return next;
  };
  const saveTimer = setInterval(() => save().catch((err: Error) => log(`saving the ledger to ${stateDir} failed: ${err.message}`)), options.saveIntervalMs ?? 1000);
  saveTimer.unref();

  let closing: Promise<void> | undefined;
  const chain: LocalChain = {
    rpcUrl: server.rpcUrl,
    wsUrl: server.wsUrl,
    ledger,
    firstStart: snapshot === undefined,
    save: () => save(true),
    close: () => {
      closing ??= (async () => {
        clearInterval(saveTimer);
        await server.close();
        try {
          await save(true);
        } finally {
          await ledger.close();
        }
      })();
      return closing;
    },
  };
  try {
    await save();
    await options.onStart?.(chain);
  } catch (err) {
    await chain.close();
    throw err;
  }
  return chain;
}

function programIdOf(program: ProgramSource): PublicKey {
  try {
    return new PublicKey(program.programId);
  } catch {
    throw new ChainError('CHAIN_PROGRAM_OPTION_INVALID', `program id ${String(program.programId)} is not a base58 public key`);
  }
}

function upgradeAuthorityOf(program: ProgramSource): PublicKey | null {
  if (program.upgradeAuthority === undefined) return null;
  try {
    return new PublicKey(program.upgradeAuthority);
  } catch {
    throw new ChainError('CHAIN_PROGRAM_OPTION_INVALID', `upgrade authority ${String(program.upgradeAuthority)} of program ${String(program.programId)} is not a base58 public key`);
  }
}

async function programElf(program: ProgramSource): Promise<Uint8Array> {
  if (program.elf) return program.elf;
  if (!program.path) throw new ChainError('CHAIN_PROGRAM_OPTION_INVALID', `program ${String(program.programId)} needs a path or elf bytes`);
  try {
    return await readFile(program.path);
  } catch (err) {
    throw new ChainError('CHAIN_PROGRAM_INVALID', `cannot read program file ${program.path}: ${(err as Error).message}`);
  }
}
