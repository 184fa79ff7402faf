/**
 * A host node's lease side, built the way the daemon builds it: a registered, active host
 * (real chain), its level store in a temp folder, the real Docker runtime, a receipt
 * collector as the manager's proof poster.
 */
import type { Keypair } from '@solana/web3.js';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { createLeaseManager, LevelLeaseStore } from '../../src/leases/index.js';
import type { LeaseManager, LeaseManagerComponents, LeaseManagerInit } from '../../src/leases/index.js';
import { HostRegistration, ReceiptCollector } from '../../src/prover/index.js';
import type { Runtime } from '../../src/runtime/index.js';
import { SOL, clientOf, funded, silentLog } from './chain-world.js';
import type { World } from './chain-world.js';

export interface HostNode {
  operator: Keypair;
  owner: Keypair;
  chain: DecloudChain;
  store: LevelLeaseStore;
  collector: ReceiptCollector;
  manager: LeaseManager;
  /** A new manager over the same store folder, as after a restart of the node. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHostNode(
  world: World, runtime: Runtime, storePath: string, init: LeaseManagerInit = {}, extra: Pick<LeaseManagerComponents, 'capacityShortfall'> = {},
): Promise<HostNode> {
  const operator = await funded(world.connection, 10);
  const owner = await funded(world.connection, 1);
  const chain = clientOf(world.connection, operator);
  await new HostRegistration({ chain, operator, log: silentLog }, { stake: SOL, specHash: 'cd'.repeat(32), owner: owner.publicKey }).ensure();
  const components = { chain, operator, clock: Date.now, log: silentLog };
  const node = {
    operator,
    owner,
    chain,
    store: await LevelLeaseStore.open(storePath),
    collector: new ReceiptCollector(components),
  } as HostNode;
  const build = () => createLeaseManager({ ...components, ...extra, store: node.store, runtime, proofs: node.collector }, { stopGraceSeconds: 1, ...init });
  node.manager = build();
  node.restart = async () => {
    await node.manager.stop();
    await node.store.close();
    node.store = await LevelLeaseStore.open(storePath);
    node.collector = new ReceiptCollector(components);
    node.manager = build();
  };
  node.close = async () => {
    await node.manager.stop();
    await node.store.close();
  };
  return node;
}
