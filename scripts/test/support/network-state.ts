/**
 * What a test reads from, and cleans up after, one `npm start` network: the keys in its
 * state folder, the chain through DecloudChain, the host's containers, leftover processes.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { Connection, Keypair } from '@solana/web3.js';
import { DecloudChain } from '@decloud/sdk/chain/index';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/host-identity';
import { usePrivateDockerEngine } from '../../local-network/docker-host.js';
import { killProcesses, processesOf, ROOT, type NpmStart } from './npm-start.js';

usePrivateDockerEngine(ROOT);

export function keypairFile(path: string): Keypair {
  return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(readFileSync(path, 'utf8')) as number[]));
}

/** The host node's operator key (written by `decloud-node init` during the first start). */
export function hostOperator(state: string): Keypair {
  return keypairFile(join(state, 'host', 'operator-key.json'));
}

export function hostPeerId(state: string): string {
  return peerIdFromSolanaPublicKey(hostOperator(state).publicKey.toBytes()).toString();
}

/** A chain client signing as `walletFile`'s key (the renter, for reads and renter-side calls). */
export function chainClient(rpcUrl: string, walletFile: string): DecloudChain {
  return DecloudChain.fromKeypair(new Connection(rpcUrl, 'confirmed'), keypairFile(walletFile));
}

export const docker = new Docker();

/** The containers the host with this operator key made (running or not). */
export async function hostContainers(operator: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: ['decloud.managed=1', `decloud.host=${operator}`] } });
}

/** Polls `read` until it returns something other than undefined/false. */
export async function waitFor<T>(what: string, read: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await read();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(intervalMs);
  }
}

/**
 * Leaves nothing behind, whatever state the test stopped in: npm start interrupted (then
 * killed), every process that names the state folder killed, the host's containers removed,
 * the state folder deleted.
 */
export async function cleanUpNetwork(runs: Array<NpmStart | undefined>, state: string): Promise<void> {
  for (const run of runs) {
    if (run?.running) await run.interrupt(30_000);
    run?.killGroup();
  }
  await killProcesses(processesOf(state));
  let operator: string | undefined;
  try {
    operator = hostOperator(state).publicKey.toBase58();
  } catch {
    // the host was never created: it made no container
  }
  if (operator !== undefined) {
    for (const info of await hostContainers(operator).catch(() => [])) {
      await docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined);
    }
  }
  rmSync(state, { recursive: true, force: true });
}
