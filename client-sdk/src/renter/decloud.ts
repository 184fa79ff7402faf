/**
 * The renter API: `DeCloud.connect` joins the network (a libp2p node) and the chain (an
 * RPC client with the renter's wallet); then find hosts, rent, and manage leases.
 *
 *   const decloud = await DeCloud.connect({ rpcUrl, bootstrap, wallet });
 *   const [offer] = await decloud.findHosts({ minCpuCores: 1, image: 'decloud/busybox:local' });
 *   const lease = await decloud.rent(offer, { image: 'decloud/busybox:local', hours: 1 });
 *   console.log((await lease.exec(['echo', 'ok'])).stdout);
 *   await lease.end();
 *   await decloud.close();
 */
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { Connection, PublicKey } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import { withBigints } from '../chain/accounts.js';
import type { HostAccount } from '../chain/accounts.js';
import { DecloudChain } from '../chain/client.js';
import { derivedSignal, raceSignal } from '../net/abort.js';
import { createDecloudNode } from '../net/create-node.js';
import type { DecloudNodeOptions } from '../net/create-node.js';
import type { DecloudNode } from '../net/decloud-node.js';
import { NetError } from '../net/net-error.js';
import type { OfferFilter } from '../offers/offer-filter.js';
import type { SignedOffer } from '../offers/types.js';
import { requestAirdrop } from './airdrop.js';
import { findHostOffer, searchHosts } from './host-search.js';
import type { HostSearchOptions } from './host-search.js';
import { Lease } from './lease.js';
import type { RenterContext } from './lease.js';
import { leaseInfoOf } from './lease-info.js';
import type { LeaseInfo } from './lease-info.js';
import { rentFromOffer } from './rent-flow.js';
import type { RentCallOptions } from './rent-flow.js';
import type { RentOptions } from './rent-request.js';
import { messageOf, RenterError } from './renter-error.js';

export interface ConnectOptions {
  /** Solana JSON-RPC endpoint running the DeCloud program, e.g. http://127.0.0.1:8899. */
  rpcUrl: string;
  /** Bootstrap peer multiaddrs (with /p2p/<peer id>). */
  bootstrap: string[];
  /** The renter's key: it pays and closes; per-lease delegate keys derived from it sign access and receipts. */
  wallet: Keypair;
  signal?: AbortSignal;
  /** libp2p options over the renter defaults (DHT client, no WebRTC, no AutoNAT). */
  net?: Omit<DecloudNodeOptions, 'bootstrap'>;
  /** unix ms */
  clock?: () => number;
}

/** Finding a host that is not in the book yet, before a call to it: bounded, so an offline host fails fast. */
const LOCATE_TIMEOUT_MS = 10_000;
const CHAIN_CHECK_TIMEOUT_MS = 15_000;

export class DeCloud {
  private readonly ctx: RenterContext;
  private readonly handles = new Set<Lease>();
  private stopping: Promise<void> | undefined;

  private constructor(readonly node: DecloudNode, readonly chain: DecloudChain, readonly wallet: Keypair, clock: () => number) {
    this.ctx = { node, chain, wallet, clock, locate: (peer, signal) => this.locate(peer, signal) };
  }

  static async connect(options: ConnectOptions): Promise<DeCloud> {
    checkConnectOptions(options);
    const { rpcUrl, wallet, signal } = options;
    const chain = DecloudChain.fromKeypair(new Connection(rpcUrl, 'confirmed'), wallet);
    const chainReady = checkChain(chain, rpcUrl);
    chainReady.catch(() => undefined);
    let node: DecloudNode;
    try {
      node = await createDecloudNode({ dhtServer: false, webrtc: false, autonat: false, ...options.net, bootstrap: options.bootstrap });
    } catch (err) {
      if (err instanceof NetError && err.code === 'BAD_OPTION') throw new RenterError('BAD_OPTION', err.message, { cause: err });
      throw err;
    }
    try {
      await raceSignal(chainReady, derivedSignal(CHAIN_CHECK_TIMEOUT_MS, signal));
    } catch (err) {
      await node.stop();
      signal?.throwIfAborted();
      if (err instanceof RenterError) throw err;
      throw new RenterError('CHAIN_UNREACHABLE', `the RPC endpoint ${rpcUrl} did not answer within ${CHAIN_CHECK_TIMEOUT_MS / 1000} s: check --rpc-url (or DECLOUD_RPC_URL)`, { cause: err });
    }
    return new DeCloud(node, chain, wallet, options.clock ?? Date.now);
  }

  /** base58 address of the wallet */
  get address(): string {
    return this.wallet.publicKey.toBase58();
  }

  /** The wallet's balance in lamports. */
  async balance(): Promise<bigint> {
    return BigInt(await this.chain.connection.getBalance(this.wallet.publicKey, 'confirmed'));
  }

  /** Asks the chain for free lamports (local chain, devnet); resolves to the new balance. */
  async airdrop(lamports: bigint): Promise<bigint> {
    await requestAirdrop(this.chain.connection, this.wallet.publicKey, lamports);
    return this.balance();
  }

  /** Live offers matching `filter`, best first (price for the requested resources, then benchmark, then uptime). */
  findHosts(filter: OfferFilter = {}, options: HostSearchOptions = {}): Promise<SignedOffer[]> {
    this.checkOpen();
    return searchHosts(this.node, filter, options);
  }

  /** The current offer of one host. */
  findHost(peerId: PeerId | string, options: Omit<HostSearchOptions, 'limit'> = {}): Promise<SignedOffer> {
    this.checkOpen();
    return findHostOffer(this.node, peerId, options);
  }

  /** Rents from `offer` (or the host with that peer id): quote, fund, start; resolves once the container runs. */
  async rent(offer: SignedOffer | string, options: RentOptions, call: RentCallOptions = {}): Promise<Lease> {
    this.checkOpen();
    const chosen = typeof offer === 'string' ? await this.findHost(offer, call.signal ? { signal: call.signal } : {}) : offer;
    const lease = await rentFromOffer(this.ctx, chosen, options, call);
    this.handles.add(lease);
    return lease;
  }

  /** The wallet's open leases, as the chain holds them, oldest first. */
  async leases(): Promise<LeaseInfo[]> {
    this.checkOpen();
    const located = await this.chain.listLeases({ renter: this.wallet.publicKey });
    const hosts = await this.hostAccounts(located.map(({ account }) => account.host));
    return located
      .map(({ address, account }) => leaseInfoOf(address, account, account.host, hosts.get(account.host.toBase58())!))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.address < b.address ? -1 : 1));
  }

  /** A handle on one of the wallet's open leases (its delegate key re-derived from the wallet); throws LEASE_NOT_FOUND or NOT_RENTER. */
  async lease(address: string, options: { env?: Record<string, string> } = {}): Promise<Lease> {
    this.checkOpen();
    const key = leaseKeyOf(address);
    const account = await this.chain.fetchLease(key);
    if (!account) {
      throw new RenterError('LEASE_NOT_FOUND', `no lease account ${address} on-chain: it was closed already (or never opened); list yours with \`decloud leases\``, { lease: address });
    }
    if (!account.renter.equals(this.wallet.publicKey)) {
      throw new RenterError('NOT_RENTER', `lease ${address} belongs to renter ${account.renter.toBase58()}, but this wallet is ${this.address}: use that renter's wallet (--wallet or DECLOUD_WALLET)`, { lease: address });
    }
    const host = (await this.hostAccounts([account.host])).get(account.host.toBase58())!;
    const handle = new Lease(this.ctx, leaseInfoOf(key, account, account.host, host), options.env);
    this.handles.add(handle);
    return handle;
  }

  /** Stops every receipt loop and the libp2p node. Leases stay open on-chain. Idempotent. */
  close(): Promise<void> {
    this.stopping ??= (async () => {
      for (const lease of this.handles) lease.stopReceipts();
      this.handles.clear();
      await this.node.stop();
    })();
    return this.stopping;
  }

  /** Makes sure the host's addresses are known before dialing it (from its offer); failures surface at the dial. */
  private async locate(peer: string, signal?: AbortSignal): Promise<void> {
    const peerId = peerIdFromString(peer);
    if (this.node.libp2p.getConnections(peerId).length > 0) return;
    const known = await this.node.libp2p.peerStore.get(peerId).catch(() => undefined);
    if (known !== undefined && known.addresses.length > 0) return;
    await findHostOffer(this.node, peerId, { timeoutMs: LOCATE_TIMEOUT_MS, ...(signal ? { signal } : {}) }).catch(() => undefined);
  }

  private async hostAccounts(addresses: PublicKey[]): Promise<Map<string, HostAccount>> {
    const unique = [...new Map(addresses.map((a) => [a.toBase58(), a])).values()];
    const accounts = await this.chain.program.account.host.fetchMultiple(unique);
    const hosts = new Map<string, HostAccount>();
    unique.forEach((address, i) => {
      const account = accounts[i];
      // A lease always names a registered host: the program checked it at open and hosts cannot close their account while leases are open.
      if (account == null) throw new Error(`host account ${address.toBase58()} of a lease is missing on-chain: the RPC endpoint is out of sync`);
      hosts.set(address.toBase58(), withBigints(account));
    });
    return hosts;
  }

  private checkOpen(): void {
    if (this.stopping) throw new RenterError('CLOSED', 'this DeCloud instance was closed: connect again');
  }
}

function checkConnectOptions(options: ConnectOptions): void {
  if (typeof options !== 'object' || options === null) throw new RenterError('BAD_OPTION', 'DeCloud.connect needs { rpcUrl, bootstrap, wallet }');
  const { rpcUrl, bootstrap, wallet } = options;
  if (typeof rpcUrl !== 'string' || !URL.canParse(rpcUrl) || !/^https?:$/.test(new URL(rpcUrl).protocol)) {
    throw new RenterError('BAD_OPTION', `rpcUrl must be an http(s) URL such as http://127.0.0.1:8899, got ${JSON.stringify(rpcUrl)}`);
  }
  if (!Array.isArray(bootstrap) || bootstrap.some((addr) => typeof addr !== 'string')) {
    throw new RenterError('BAD_OPTION', 'bootstrap must be a list of multiaddrs with /p2p/<peer id> (what decloud-bootstrap prints)');
  }
  const secret = (wallet as Partial<Keypair> | undefined)?.secretKey;
  if (!(secret instanceof Uint8Array) || secret.length !== 64 || !(wallet.publicKey instanceof PublicKey)) {
    throw new RenterError('BAD_OPTION', 'wallet must be a Solana Keypair (@solana/web3.js), e.g. Keypair.fromSecretKey(bytes of the wallet file)');
  }
}

/** The endpoint answers and runs DeCloud (its config account exists). */
async function checkChain(chain: DecloudChain, rpcUrl: string): Promise<void> {
  let exists: boolean;
  try {
    exists = (await chain.connection.getAccountInfo(chain.config, 'confirmed')) !== null;
  } catch (err) {
    throw new RenterError('CHAIN_UNREACHABLE', `the RPC endpoint ${rpcUrl} does not answer (${messageOf(err)}): check --rpc-url (or DECLOUD_RPC_URL), or start a local chain with \`npx decloud-chain\``, { cause: err });
  }
  if (!exists) {
    throw new RenterError('CHAIN_UNREACHABLE', `${rpcUrl} answers but runs no DeCloud program (no config account ${chain.config.toBase58()} of program ${chain.program.programId.toBase58()}): point --rpc-url at a DeCloud chain`);
  }
}

function leaseKeyOf(address: string): PublicKey {
  try {
    return new PublicKey(address);
  } catch (err) {
    throw new RenterError('BAD_OPTION', `${JSON.stringify(address)} is not a lease address: give the full base58 address \`decloud leases\` prints`, { cause: err });
  }
}
