/**
 * Fixtures of the witness tests: the local chain (litesvm in its own thread, over JSON-RPC)
 * running the real program with a short proof epoch and one configured witness; hosts that
 * are real libp2p nodes registered and activated on-chain with their operator keys.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js';
import { DecloudChain, newLeaseId, signProof, termsMessage } from '@decloud/sdk/chain/index';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/host-identity';
import { createDecloudNode } from '@decloud/sdk/net/create-node';
import type { DecloudNode, DecloudNodeOptions } from '@decloud/sdk/net/index';
import { startLocalChain } from '../src/chain/index.js';
import type { LocalChain } from '../src/chain/index.js';
import { decloudProgram, defaultGenesis, initializeDecloud } from '../src/chain/decloud-genesis.js';
import { fundedKeypair as funded } from '../src/chain/faucet.js';

export const EPOCH_SECS = 2n;
export const SOL = BigInt(LAMPORTS_PER_SOL);

/** In-process test nodes: loopback TCP only, no NAT machinery. */
export const LOCAL_NODE: DecloudNodeOptions = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  webrtc: false,
  autonat: false,
  dcutr: false,
  connectionManager: { inboundConnectionThreshold: 10_000, maxIncomingPendingConnections: 1_000 },
};

export interface WitnessWorld {
  chain: LocalChain;
  connection: Connection;
  /** The witness key listed in the program config. */
  witness: Keypair;
  close(): Promise<void>;
}

export async function startWitnessWorld(): Promise<WitnessWorld> {
  const witness = Keypair.generate();
  const chain = await startLocalChain({ port: 0, programs: [decloudProgram()] });
  await initializeDecloud(chain, { ...defaultGenesis, proofEpochSecs: EPOCH_SECS, graceEpochs: 2, witnesses: [witness.publicKey], rewardFund: 10n * SOL });
  return {
    chain,
    connection: new Connection(chain.rpcUrl, 'confirmed'),
    witness,
    close: async () => {
      // web3.js closes its idle websocket 500 ms after the last subscription ends.
      await sleep(700);
      await chain.close();
    },
  };
}

export { funded };

/** register_host (+ activate_host unless `activate` is false) signed by `operator`. */
export async function registerHost(connection: Connection, operator: Keypair, activate = true): Promise<DecloudChain> {
  const chain = DecloudChain.fromKeypair(connection, operator);
  await chain.registerHost({
    owner: operator.publicKey,
    peerId: peerIdFromSolanaPublicKey(operator.publicKey.toBytes()).toMultihash().bytes,
    specHash: new Uint8Array(32).fill(7),
    stake: SOL,
  });
  if (activate) await chain.activateHost();
  return chain;
}

export interface TestHost {
  operator: Keypair;
  node: DecloudNode;
}

/** A funded operator, registered on-chain, running a libp2p node with its key that joined `bootstrap`. */
export async function startRegisteredHost(world: WitnessWorld, bootstrap: string, activate = true): Promise<TestHost> {
  const operator = await funded(world.connection, 3);
  await registerHost(world.connection, operator, activate);
  const node = await createDecloudNode({ ...LOCAL_NODE, solanaSecretKey: operator.secretKey, bootstrap: [bootstrap] });
  return { operator, node };
}

/** A lease of `renter` on the host of `operator`, opened on terms the host signed (no quote protocol: the witness needs none). */
export async function openLeaseOn(connection: Connection, operator: Keypair, renter: Keypair, durationSecs = 600n): Promise<PublicKey> {
  const chain = DecloudChain.fromKeypair(connection, renter);
  const terms = {
    renter: renter.publicKey, hostOperator: operator.publicKey, leaseId: newLeaseId(renter.publicKey), rate: 1_000n, durationSecs,
    quoteExpiresAt: BigInt(Math.floor(Date.now() / 1000) + 120), delegate: PublicKey.default, termsHash: new Uint8Array(randomBytes(32)),
  };
  const { signature } = signProof(operator.secretKey, operator.publicKey, termsMessage(terms));
  return (await chain.openLease({ ...terms, hostSignature: signature })).lease;
}

export async function airdrop(connection: Connection, to: PublicKey, sol: number): Promise<void> {
  await connection.confirmTransaction(await connection.requestAirdrop(to, sol * LAMPORTS_PER_SOL), 'confirmed');
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
