/**
 * The coordinator's witness: each proof epoch it challenges every active host on-chain and,
 * once the epoch has ended, signs one attestation per lease a host reported with its
 * container running, provided the chain shows that lease open on that host. It also posts
 * a heartbeat for every ended epoch in which it ran a round (witness_heartbeat): the
 * program lets a host be penalized only for epochs in which the witnesses were alive. The
 * heartbeat's fee is paid from the witness key when it holds lamports; without them the
 * witness still attests (hosts post the attestations themselves) and says once that its
 * heartbeats are skipped.
 *
 * Epochs: the program accepts an attestation or a heartbeat for epoch e only once e has
 * ended. So a host is challenged once during epoch e, at a random moment (it cannot be
 * online only at a predictable instant), and when e ends, each lease the host reported
 * running in a valid answer during e gets an attestation for e.
 *
 * Delivery: the next challenge (in e + 1) carries the earned attestations to the host, and
 * a valid answer to it acknowledges them. Unacknowledged ones ride along with later
 * challenges (the newest WITNESS_LIMITS.maxCarriedAttestations), so one lost stream loses
 * nothing, and there is one stream per host per epoch and no second protocol.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Libp2p } from '@libp2p/interface';
import { PublicKey } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import { attestationMessage, DecloudProgramError, heartbeatMessage, hostStatusOf, signProof } from '@decloud/sdk/chain/index';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/host-identity';
import { derivedSignal, lifetimeController, raceSignal } from '@decloud/sdk/net/abort';
import { TypedEvents } from '@decloud/sdk/net/typed-events';
import { challengeHost } from './challenge-host.js';
import { ConcurrencySlots } from './concurrency-slots.js';
import { epochAt, epochStartMs } from './proof-epochs.js';
import { WitnessError } from '@decloud/sdk/witness/witness-error';
import { NONCE_LENGTH, WITNESS_LIMITS } from '@decloud/sdk/witness/witness-messages';
import type { Answer, CarriedAttestation, LeaseReport } from '@decloud/sdk/witness/witness-messages';
import type { WitnessMetrics } from './witness-metrics.js';

export interface WitnessServiceInit {
  /** The node challenges go out from; its peer id must be the witness key's (hosts check it). */
  libp2p: Pick<Libp2p, 'dialProtocol' | 'peerId'>;
  /**
   * The chain, signing as the witness key: the program config, the hosts and their leases are
   * read; heartbeats are the only transactions (paid by the witness key).
   */
  chain: Pick<DecloudChain, 'fetchConfig' | 'listHosts' | 'listLeases' | 'hostAddress' | 'postHeartbeat' | 'connection'>;
  /** A key listed in the program config's witnesses. */
  witness: Keypair;
  metrics?: WitnessMetrics;
  /** unix ms */
  clock?: () => number;
  /** Deadline of one exchange, dial included (default 5 s, at most half an epoch). */
  answerTimeoutMs?: number;
  /** Exchanges in flight at once (default 32). */
  maxConcurrentChallenges?: number;
  /** Deadline of one chain read or heartbeat (default 15 s). */
  chainTimeoutMs?: number;
  /** Post heartbeats (default true). */
  heartbeats?: boolean;
  log?: (message: string) => void;
}

export const DEFAULT_ANSWER_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_CONCURRENT_CHALLENGES = 32;
export const DEFAULT_CHAIN_TIMEOUT_MS = 15_000;
/** A heartbeat transaction's fee: its own signature and the Ed25519 one it carries. */
export const HEARTBEAT_FEE_LAMPORTS = 10_000n;
/** Ended epochs a heartbeat is still tried for: the program remembers 64 epochs of liveness. */
const HEARTBEAT_HORIZON_EPOCHS = 64n;

/** What one challenge came to. */
export type ChallengeVerdict =
  | { result: 'attestable'; /** base58 leases reported running */ running: string[] }
  /** A valid answer that earns nothing: every listed container down, no lease at all, or it came after the epoch ended. */
  | { result: 'withheld'; reason: 'containers-down' | 'no-leases' | 'late' }
  | { result: 'failed'; reason: string; error: WitnessError };

export type ChallengeEvent = ChallengeVerdict & {
  /** base58 operator key */
  host: string;
  epoch: bigint;
  /** What the host reported, when it answered validly. */
  leases?: LeaseReport[];
};

export interface WitnessEvents {
  challenged: ChallengeEvent;
  /** One per lease of a host that ran through an ended epoch. */
  attested: { host: string; lease: string; epoch: bigint; signature: Uint8Array };
  /** A lease the host reported running that the chain does not show open on it: no attestation. */
  unattested: { host: string; lease: string; epoch: bigint; reason: string };
  /** The heartbeat of an ended epoch landed on-chain. */
  heartbeat: { epoch: bigint; signature: string };
  /** The chain could not be read or written; the round goes on with what was known before. */
  error: { error: Error };
}

export interface WitnessStatus {
  witness: string;
  epochSecs: number;
  /** The epoch of the last round, as a decimal string. */
  epoch: string | undefined;
  activeHosts: number;
  /** Signed attestations their hosts have not acknowledged yet. */
  pendingAttestations: number;
  /** The last ended epoch whose heartbeat landed, as a decimal string. */
  lastHeartbeat: string | undefined;
  /** Whether the witness key held the lamports for heartbeats at the last try. */
  heartbeatsFunded: boolean | undefined;
}

export interface WitnessService {
  readonly witness: PublicKey;
  readonly events: TypedEvents<WitnessEvents>;
  status(): WitnessStatus;
  stop(): Promise<void>;
}

/** Checks the identity and the config, then runs a round every epoch (the first one now). */
export async function startWitnessService(init: WitnessServiceInit): Promise<WitnessService> {
  const witness = init.witness.publicKey;
  const expected = peerIdFromSolanaPublicKey(witness.toBytes());
  if (!init.libp2p.peerId.equals(expected)) {
    throw new WitnessError('WRONG_IDENTITY', `the libp2p node runs as ${init.libp2p.peerId.toString()}, but hosts answer only the peer id of the witness key ${witness.toBase58()} (${expected.toString()}): give the node the witness key as its identity`);
  }
  const chainTimeoutMs = init.chainTimeoutMs ?? DEFAULT_CHAIN_TIMEOUT_MS;
  let config;
  try {
    config = await raceSignal(init.chain.fetchConfig(), AbortSignal.timeout(chainTimeoutMs));
  } catch (err) {
    throw new WitnessError('CHAIN_UNREADABLE', `cannot read the DeCloud program config: ${(err as Error).message}; check --rpc and that the program is initialized there`, { cause: err });
  }
  const witnesses = config.witnesses.slice(0, config.witnessCount);
  if (!witnesses.some((key) => key.equals(witness))) {
    const listed = witnesses.map((key) => key.toBase58()).join(', ') || 'none';
    throw new WitnessError('NOT_A_WITNESS', `${witness.toBase58()} is not a witness in the program config (witnesses: ${listed}): the program would refuse its attestations; run with one of the configured witness keys`);
  }
  const runner = new WitnessRunner(init, config.proofEpochSecs, chainTimeoutMs);
  runner.tick();
  return runner;
}

class WitnessRunner implements WitnessService {
  readonly witness: PublicKey;
  readonly events = new TypedEvents<WitnessEvents>();
  private readonly clock: () => number;
  private readonly timeoutMs: number;
  private readonly slots: ConcurrencySlots;
  private readonly lifetime = lifetimeController();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Active hosts by base58 operator key, as of the last successful chain read. */
  private hosts = new Map<string, PublicKey>();
  /** Per epoch not yet attested: per host that answered validly during it, the leases it reported running. */
  private readonly attestable = new Map<bigint, Map<string, Set<string>>>();
  /** Per host: signed attestations not acknowledged yet, oldest first. */
  private readonly pending = new Map<string, CarriedAttestation[]>();
  /** Epochs in which a round ran whose heartbeat has not landed yet. */
  private readonly heartbeatsDue = new Set<bigint>();
  private heartbeating: Promise<void> | undefined;
  private signing: Promise<void> = Promise.resolve();
  private lastHeartbeat: bigint | undefined;
  private funded: boolean | undefined;
  private lastRound: bigint | undefined;
  private stopped = false;

  constructor(private readonly init: WitnessServiceInit, private readonly epochSecs: bigint, private readonly chainTimeoutMs: number) {
    this.witness = init.witness.publicKey;
    this.clock = init.clock ?? Date.now;
    // A host must be able to answer inside the epoch it is challenged in.
    this.timeoutMs = Math.min(init.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS, Number(epochSecs) * 500);
    this.slots = new ConcurrencySlots(init.maxConcurrentChallenges ?? DEFAULT_MAX_CONCURRENT_CHALLENGES);
  }

  status(): WitnessStatus {
    let pending = 0;
    for (const list of this.pending.values()) pending += list.length;
    return {
      witness: this.witness.toBase58(),
      epochSecs: Number(this.epochSecs),
      epoch: this.lastRound?.toString(),
      activeHosts: this.hosts.size,
      pendingAttestations: pending,
      lastHeartbeat: this.lastHeartbeat?.toString(),
      heartbeatsFunded: this.funded,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.lifetime.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.slots.drain();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Runs the round of the current epoch once, then waits for the next epoch (timers may fire early). */
  tick(): void {
    if (this.stopped) return;
    const epoch = epochAt(this.clock(), this.epochSecs);
    if (this.lastRound === undefined || epoch > this.lastRound) {
      this.lastRound = epoch;
      this.track(this.round(epoch));
    }
    this.after(epochStartMs(epoch + 1n, this.epochSecs) - this.clock(), () => this.tick());
  }

  private async round(epoch: bigint): Promise<void> {
    if (this.init.heartbeats !== false) {
      this.heartbeatsDue.add(epoch);
      // A moment into the new epoch, so the chain's clock has passed the end of the last one too.
      this.after(Math.min(1_000, Number(this.epochSecs) * 250), () => this.track(this.postHeartbeats(epoch)));
    }
    const hosts = await this.refreshHosts();
    if (this.stopped) return;
    // Challenges spread over the epoch at moments a host cannot predict, each leaving a full timeout before it ends.
    const window = Math.floor(epochStartMs(epoch + 1n, this.epochSecs) - this.timeoutMs - this.clock());
    for (const [host, operator] of hosts) {
      const delay = window > 0 ? randomInt(window) : 0;
      this.after(delay, () => this.track(this.challenge(host, operator, epoch)));
    }
    // Meanwhile the ended epochs are signed (their leases read on-chain), one round's signing after
    // another's; a challenge that goes out before its host's are ready carries them next epoch.
    this.signing = this.signing.then(() => this.signEndedEpochs(epoch))
      .catch((err: Error) => this.init.log?.(`signing the attestations of ended epochs failed: ${err.message}`));
    await this.signing;
  }

  private async challenge(host: string, operator: PublicKey, epoch: bigint): Promise<void> {
    await this.slots.acquire();
    try {
      if (this.stopped || epochAt(this.clock(), this.epochSecs) !== epoch) return;
      const carried = [...(this.pending.get(host) ?? [])];
      const challenge = { epoch, nonce: new Uint8Array(randomBytes(NONCE_LENGTH)), attestations: carried };
      this.init.metrics?.challengesSent.inc();
      let answer: Answer;
      try {
        answer = await challengeHost(this.init.libp2p, operator.toBytes(), challenge, { timeoutMs: this.timeoutMs, signal: this.lifetime.signal });
      } catch (err) {
        if (this.stopped) return;
        const error = err instanceof WitnessError ? err : new WitnessError('MALFORMED', (err as Error).message, { cause: err });
        const reason = error.code.toLowerCase().replace(/_/g, '-');
        this.init.metrics?.challengesFailed.inc({ reason });
        this.events.emit('challenged', { host, epoch, result: 'failed', reason, error });
        return;
      }
      this.init.metrics?.challengesAnswered.inc();
      this.acknowledge(host, carried);
      const verdict = this.judge(answer, epoch);
      if (verdict.result === 'attestable') this.attestableIn(epoch).set(host, new Set(verdict.running));
      else if (verdict.result === 'withheld') this.init.metrics?.attestationsWithheld.inc({ reason: verdict.reason });
      this.events.emit('challenged', { host, epoch, leases: answer.leases, ...verdict });
    } finally {
      this.slots.release();
    }
  }

  private judge(answer: Answer, epoch: bigint): ChallengeVerdict {
    if (this.clock() >= epochStartMs(epoch + 1n, this.epochSecs)) return { result: 'withheld', reason: 'late' };
    if (answer.leases.length === 0) return { result: 'withheld', reason: 'no-leases' };
    const running = answer.leases.filter((lease) => lease.containerRunning).map((lease) => lease.lease.toBase58());
    if (running.length === 0) return { result: 'withheld', reason: 'containers-down' };
    return { result: 'attestable', running };
  }

  /**
   * Signs, for every epoch before `current` (so ended), an attestation for each lease a host
   * reported running that the chain shows open on that host. A host whose leases cannot be
   * read now keeps its claim for the next round.
   */
  private async signEndedEpochs(current: bigint): Promise<void> {
    const ended = [...this.attestable.keys()].filter((epoch) => epoch < current).sort((a, b) => (a < b ? -1 : 1));
    if (ended.length === 0) return;
    const open = new Map<string, Set<string> | undefined>();
    for (const epoch of ended) {
      const hosts = this.attestable.get(epoch)!;
      for (const [host, running] of hosts) {
        const operator = this.hosts.get(host);
        if (operator === undefined) {
          hosts.delete(host); // no longer active: it will not be challenged to receive it
          continue;
        }
        if (!open.has(host)) open.set(host, await this.openLeasesOf(operator));
        const onChain = open.get(host);
        if (onChain === undefined) continue; // unreadable now: tried again next round
        hosts.delete(host);
        for (const lease of running) {
          if (!onChain.has(lease)) {
            this.init.metrics?.attestationsWithheld.inc({ reason: 'lease-not-open' });
            this.events.emit('unattested', { host, lease, epoch, reason: `the chain shows no open lease ${lease} on host ${host}` });
            continue;
          }
          this.sign(host, operator, lease, epoch);
        }
      }
      if (hosts.size === 0 || current - epoch > HEARTBEAT_HORIZON_EPOCHS) this.attestable.delete(epoch);
    }
  }

  private sign(host: string, operator: PublicKey, lease: string, epoch: bigint): void {
    const address = new PublicKey(lease);
    const { signature } = signProof(this.init.witness.secretKey, this.witness, attestationMessage(operator, address, epoch));
    const list = this.pending.get(host) ?? [];
    list.push({ lease: address, epoch, signature });
    this.pending.set(host, list.slice(-WITNESS_LIMITS.maxCarriedAttestations));
    this.init.metrics?.attestationsSigned.inc();
    this.events.emit('attested', { host, lease, epoch, signature });
  }

  /** The base58 leases open on-chain on the host of `operator`; undefined when the chain cannot be read. */
  private async openLeasesOf(operator: PublicKey): Promise<Set<string> | undefined> {
    try {
      const signal = derivedSignal(this.chainTimeoutMs, this.lifetime.signal);
      const leases = await raceSignal(this.init.chain.listLeases({ host: this.init.chain.hostAddress(operator) }), signal);
      return new Set(leases.map(({ address }) => address.toBase58()));
    } catch (err) {
      if (!this.stopped) this.report(new WitnessError('CHAIN_UNREADABLE', `listing the leases of host ${operator.toBase58()} failed: ${(err as Error).message}; its attestations wait for the next round`, { cause: err }));
      return undefined;
    }
  }

  private acknowledge(host: string, carried: CarriedAttestation[]): void {
    if (carried.length === 0) return;
    const key = (a: CarriedAttestation) => `${a.lease.toBase58()}:${a.epoch}`;
    const delivered = new Set(carried.map(key));
    const left = (this.pending.get(host) ?? []).filter((a) => !delivered.has(key(a)));
    if (left.length > 0) this.pending.set(host, left);
    else this.pending.delete(host);
    this.init.metrics?.attestationsDelivered.inc(carried.length);
  }

  /**
   * Posts the heartbeat of every epoch before `current` in which a round ran, one after
   * another (one run at a time); those that fail for the chain's sake are tried again next round.
   */
  private postHeartbeats(current: bigint): Promise<void> {
    this.heartbeating ??= this.postDueHeartbeats(current).finally(() => { this.heartbeating = undefined; });
    return this.heartbeating;
  }

  private async postDueHeartbeats(current: bigint): Promise<void> {
    const due = [...this.heartbeatsDue].filter((epoch) => epoch < current).sort((a, b) => (a < b ? -1 : 1));
    if (due.length === 0 || this.stopped) return;
    if (!(await this.canPayHeartbeats())) {
      for (const epoch of due) this.heartbeatsDue.delete(epoch); // skipped, not owed later
      return;
    }
    for (const epoch of due) {
      if (this.stopped) return;
      if (current - epoch > HEARTBEAT_HORIZON_EPOCHS) {
        this.heartbeatsDue.delete(epoch);
        continue;
      }
      try {
        const proof = signProof(this.init.witness.secretKey, this.witness, heartbeatMessage(epoch));
        const signal = derivedSignal(this.chainTimeoutMs, this.lifetime.signal);
        const signature = await raceSignal(this.init.chain.postHeartbeat(epoch, proof), signal);
        this.heartbeatsDue.delete(epoch);
        this.lastHeartbeat = this.lastHeartbeat === undefined || epoch > this.lastHeartbeat ? epoch : this.lastHeartbeat;
        this.init.metrics?.heartbeatsPosted.inc();
        this.events.emit('heartbeat', { epoch, signature });
      } catch (err) {
        if (this.stopped) return;
        const refused = err instanceof DecloudProgramError && !RETRIED_REFUSALS.has(err.errorName);
        if (refused) this.heartbeatsDue.delete(epoch);
        this.init.metrics?.heartbeatsFailed.inc();
        this.report(new WitnessError('CHAIN_UNREADABLE', `the heartbeat of epoch ${epoch} did not land: ${(err as Error).message}; ${refused ? 'the program refused it, so it is dropped' : 'trying again next round'}`, { cause: err }));
      }
    }
  }

  /** Whether the witness key can pay a heartbeat; says so once when that changes. */
  private async canPayHeartbeats(): Promise<boolean> {
    let balance: bigint;
    try {
      const signal = derivedSignal(this.chainTimeoutMs, this.lifetime.signal);
      balance = BigInt(await raceSignal(this.init.chain.connection.getBalance(this.witness, 'confirmed'), signal));
    } catch (err) {
      if (!this.stopped) this.report(new WitnessError('CHAIN_UNREADABLE', `reading the witness key's balance failed: ${(err as Error).message}; heartbeats wait for the next round`, { cause: err }));
      return false;
    }
    const funded = balance >= HEARTBEAT_FEE_LAMPORTS;
    if (funded !== this.funded) {
      this.init.log?.(funded
        ? `the witness key ${this.witness.toBase58()} holds ${balance} lamports: posting a heartbeat for each ended epoch (${HEARTBEAT_FEE_LAMPORTS} lamports each)`
        : `the witness key ${this.witness.toBase58()} holds ${balance} lamports, less than a heartbeat's fee (${HEARTBEAT_FEE_LAMPORTS}): heartbeats are skipped, so no host can be penalized for the epochs only this witness saw; attestations go on. Send SOL to ${this.witness.toBase58()} (on a local chain: solana airdrop 1 ${this.witness.toBase58()})`);
      this.funded = funded;
    }
    return funded;
  }

  private async refreshHosts(): Promise<Map<string, PublicKey>> {
    try {
      const signal = derivedSignal(this.chainTimeoutMs, this.lifetime.signal);
      const accounts = await raceSignal(this.init.chain.listHosts(), signal);
      const hosts = new Map<string, PublicKey>();
      for (const { account } of accounts) {
        if (hostStatusOf(account.status) !== 'active' || account.operator.equals(this.witness)) continue;
        hosts.set(account.operator.toBase58(), account.operator);
      }
      this.hosts = hosts;
      for (const host of this.pending.keys()) if (!hosts.has(host)) this.pending.delete(host);
      this.init.metrics?.activeHosts.set(hosts.size);
    } catch (err) {
      if (!this.stopped) this.report(new WitnessError('CHAIN_UNREADABLE', `listing the hosts failed: ${(err as Error).message}; challenging the ${this.hosts.size} hosts known before`, { cause: err }));
    }
    return this.hosts;
  }

  private report(error: WitnessError): void {
    this.init.log?.(error.message);
    this.events.emit('error', { error });
  }

  private attestableIn(epoch: bigint): Map<string, Set<string>> {
    let hosts = this.attestable.get(epoch);
    if (hosts === undefined) {
      hosts = new Map();
      this.attestable.set(epoch, hosts);
    }
    return hosts;
  }

  private after(delayMs: number, run: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, Math.max(0, delayMs));
    this.timers.add(timer);
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((err: Error) => this.init.log?.(`witness task failed: ${err.message}`)).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

/** Program refusals a later try may not meet: the chain's clock behind the witness's. */
const RETRIED_REFUSALS = new Set(['ProofInFuture']);
