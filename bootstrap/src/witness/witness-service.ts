/**
 * The coordinator's witness: each proof epoch it challenges every active host on-chain and
 * signs attestations for the hosts that answered. It holds no funds and sends no
 * transaction; hosts post the attestations themselves.
 *
 * Epochs: the program accepts an attestation for epoch e only once e has ended. So a host is
 * challenged once during epoch e, at a random moment (it cannot be online only at a
 * predictable instant), and when e ends, the hosts that answered validly during e (with at
 * least one running container, or no lease at all) get an attestation for e.
 *
 * Delivery: the next challenge (in e + 1) carries the earned attestations to the host, and
 * a valid answer to it acknowledges them. Unacknowledged ones ride along with later
 * challenges (the newest WITNESS_LIMITS.maxCarriedAttestations), so one lost stream loses
 * nothing, and there is one stream per host per epoch and no second protocol.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Libp2p } from '@libp2p/interface';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { attestationMessage, hostStatusOf, signProof } from '@decloud/sdk/chain/index';
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
  /** Read-only use: the program config and the host accounts. */
  chain: Pick<DecloudChain, 'fetchConfig' | 'listHosts'>;
  /** A key listed in the program config's witnesses. */
  witness: Keypair;
  metrics?: WitnessMetrics;
  /** unix ms */
  clock?: () => number;
  /** Deadline of one exchange, dial included (default 5 s, at most half an epoch). */
  answerTimeoutMs?: number;
  /** Exchanges in flight at once (default 32). */
  maxConcurrentChallenges?: number;
  /** Deadline of one chain read (default 15 s). */
  chainTimeoutMs?: number;
  log?: (message: string) => void;
}

export const DEFAULT_ANSWER_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_CONCURRENT_CHALLENGES = 32;
export const DEFAULT_CHAIN_TIMEOUT_MS = 15_000;

/** What one challenge came to. */
export type ChallengeVerdict =
  | { result: 'attestable' }
  /** A valid answer that earns nothing: every listed container down, or it came after the epoch ended. */
  | { result: 'withheld'; reason: 'containers-down' | 'late' }
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
  attested: { host: string; epoch: bigint; signature: Uint8Array };
  /** The chain could not be read; the round goes on with the hosts known before. */
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
  /** Per epoch not yet attested: hosts that answered validly during it. */
  private readonly attestable = new Map<bigint, Set<string>>();
  /** Per host: signed attestations not acknowledged yet, oldest first. */
  private readonly pending = new Map<string, CarriedAttestation[]>();
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
    this.signEndedEpochs(epoch);
    const hosts = await this.refreshHosts();
    if (this.stopped) return;
    // Challenges spread over the epoch at moments a host cannot predict, each leaving a full timeout before it ends.
    const window = Math.floor(epochStartMs(epoch + 1n, this.epochSecs) - this.timeoutMs - this.clock());
    for (const [host, operator] of hosts) {
      const delay = window > 0 ? randomInt(window) : 0;
      this.after(delay, () => this.track(this.challenge(host, operator, epoch)));
    }
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
      if (verdict.result === 'attestable') this.attestableIn(epoch).add(host);
      else if (verdict.result === 'withheld') this.init.metrics?.attestationsWithheld.inc({ reason: verdict.reason });
      this.events.emit('challenged', { host, epoch, leases: answer.leases, ...verdict });
    } finally {
      this.slots.release();
    }
  }

  private judge(answer: Answer, epoch: bigint): ChallengeVerdict {
    if (this.clock() >= epochStartMs(epoch + 1n, this.epochSecs)) return { result: 'withheld', reason: 'late' };
    if (answer.leases.length > 0 && !answer.leases.some((lease) => lease.containerRunning)) return { result: 'withheld', reason: 'containers-down' };
    return { result: 'attestable' };
  }

  /** Signs, for every epoch before `current` (so ended), an attestation for each host that earned one. */
  private signEndedEpochs(current: bigint): void {
    for (const [epoch, hosts] of this.attestable) {
      if (epoch >= current) continue;
      this.attestable.delete(epoch);
      for (const host of hosts) {
        const operator = this.hosts.get(host);
        if (operator === undefined) continue; // no longer active: it will not be challenged to receive it
        const { signature } = signProof(this.init.witness.secretKey, this.witness, attestationMessage(operator, epoch));
        const list = this.pending.get(host) ?? [];
        list.push({ epoch, signature });
        this.pending.set(host, list.slice(-WITNESS_LIMITS.maxCarriedAttestations));
        this.init.metrics?.attestationsSigned.inc();
        this.events.emit('attested', { host, epoch, signature });
      }
    }
  }

  private acknowledge(host: string, carried: CarriedAttestation[]): void {
    if (carried.length === 0) return;
    const delivered = new Set(carried.map((a) => a.epoch));
    const left = (this.pending.get(host) ?? []).filter((a) => !delivered.has(a.epoch));
    if (left.length > 0) this.pending.set(host, left);
    else this.pending.delete(host);
    this.init.metrics?.attestationsDelivered.inc(carried.length);
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
      if (!this.stopped) {
        const error = new WitnessError('CHAIN_UNREADABLE', `listing the hosts failed: ${(err as Error).message}; challenging the ${this.hosts.size} hosts known before`, { cause: err });
        this.init.log?.(error.message);
        this.events.emit('error', { error });
      }
    }
    return this.hosts;
  }

  private attestableIn(epoch: bigint): Set<string> {
    let hosts = this.attestable.get(epoch);
    if (hosts === undefined) {
      hosts = new Set();
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
