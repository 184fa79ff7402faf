/**
 * A host and a renter on real libp2p nodes (loopback TCP), the real local chain and the
 * real Docker engine: the host's lease side as the daemon builds it (support/host-node),
 * its access handlers registered on its node, and a funded renter that rents leases the
 * way the SDK does (quote recorded by the host, lease opened on-chain with its terms).
 */
import type { Keypair, PublicKey } from '@solana/web3.js';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { createDecloudNode } from '@decloud/sdk/net/create-node';
import type { DecloudNode, DecloudNodeOptions } from '@decloud/sdk/net/index';
import { registerAccessHandlers } from '../../src/access/index.js';
import type { AccessEvents, AccessHandlers, AccessHandlersInit } from '../../src/access/index.js';
import { dockerClient } from '../../src/runtime/docker-client.js';
import type { LeaseManagerInit } from '../../src/leases/index.js';
import type { DockerRuntime } from '../../src/runtime/index.js';
import {
  clientOf, connectRuntime, containersOf, funded, openLeaseFor, quoteFor, removeRenterContainers, silentLog, startWorld, tempDir,
} from './chain-world.js';
import type { QuoteOptions, World } from './chain-world.js';
import { startHostNode } from './host-node.js';
import type { HostNode } from './host-node.js';

/** In-process test nodes: loopback TCP only, no NAT machinery, no offer gossip. */
export const LOCAL_NODE: DecloudNodeOptions = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  webrtc: false,
  autonat: false,
  dcutr: false,
  offerGossip: false,
};

/** A container that writes a numbered line every 200 ms: something for the logs to show. */
export const TICKING_COMMAND = ['sh', '-c', 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done'];

export interface AccessWorld {
  world: World;
  runtime: DockerRuntime;
  host: HostNode;
  hostNode: DecloudNode;
  renterNode: DecloudNode;
  handlers: AccessHandlers;
  renter: Keypair;
  renterChain: DecloudChain;
  /** Every refusal and service the handlers reported, in order. */
  refused: Array<AccessEvents['refused']>;
  served: Array<AccessEvents['served']>;
  /** A lease of `renter` (default the world's renter) opened on-chain with a quote the host recorded. */
  rentLease(options?: QuoteOptions, renter?: Keypair): Promise<PublicKey>;
  close(): Promise<void>;
}

export interface AccessWorldInit {
  leases?: LeaseManagerInit;
  access?: AccessHandlersInit;
}

export async function startAccessWorld(init: AccessWorldInit = {}): Promise<AccessWorld> {
  const world = await startWorld();
  const cleanups: Array<() => Promise<unknown>> = [() => world.close()];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const runtime = await connectRuntime();
    const dir = await tempDir('access');
    cleanups.push(() => dir.remove());
    const host = await startHostNode(world, runtime, dir.path, { containerCommand: TICKING_COMMAND, ...init.leases });
    cleanups.push(() => host.close());
    const renter = await funded(world.connection, 20);
    cleanups.push(() => removeRenterContainers(runtime, [renter.publicKey]));
    const hostNode = await createDecloudNode({ ...LOCAL_NODE, solanaSecretKey: host.operator.secretKey });
    cleanups.push(() => hostNode.stop());
    const renterNode = await createDecloudNode(LOCAL_NODE);
    cleanups.push(() => renterNode.stop());
    await renterNode.libp2p.peerStore.merge(hostNode.peerId, { multiaddrs: hostNode.getMultiaddrs() });
    const handlers = await registerAccessHandlers({
      libp2p: hostNode.libp2p,
      chain: host.chain,
      leases: host.manager,
      runtime,
      receipts: host.collector,
      operator: host.operator,
      clock: Date.now,
      log: silentLog,
    }, init.access);
    cleanups.push(() => handlers.stop());
    const refused: AccessWorld['refused'] = [];
    const served: AccessWorld['served'] = [];
    handlers.events.on('refused', (event) => refused.push(event));
    handlers.events.on('served', (event) => served.push(event));
    const renterChain = clientOf(world.connection, renter);
    return {
      world, runtime, host, hostNode, renterNode, handlers, renter, renterChain, refused, served, close,
      async rentLease(options = {}, who = renter) {
        const quote = quoteFor(host.operator, who.publicKey, options);
        await host.manager.recordQuote(quote, who.publicKey);
        const chain = who === renter ? renterChain : clientOf(world.connection, who);
        return openLeaseFor(chain, quote, host.operator.publicKey);
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The id of the lease's one container. */
export async function containerIdOf(runtime: DockerRuntime, lease: PublicKey): Promise<string> {
  const [container] = await containersOf(runtime, lease);
  if (!container) throw new Error(`lease ${lease.toBase58()} has no container`);
  return container.handle.id;
}

/**
 * How many execs the engine created in the container since `sinceMs` (its event log): the
 * proof that a refused request ran nothing.
 */
export async function execsCreatedSince(container: string, sinceMs: number): Promise<number> {
  const { docker } = dockerClient();
  // The engine takes fractional unix seconds; an `until` in the past makes it answer at once.
  const stream = (await docker.getEvents({
    since: (sinceMs / 1000).toFixed(3),
    until: (Date.now() / 1000).toFixed(3),
    filters: { container: [container], event: ['exec_create'] },
  } as never)) as unknown as AsyncIterable<Buffer>;
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text.split('\n').filter((line) => line.includes('exec_create')).length;
}
