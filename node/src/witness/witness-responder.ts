/**
 * The host's side of `/decloud/witness/1.0.0`: answers challenges from the witnesses the
 * program config lists (the challenger's peer id is its Ed25519 key, authenticated by the
 * connection), signing the state of its leases with the operator key, and hands every
 * valid attestation the challenge carries (one per lease the witness saw running, signed
 * over this host's operator key, that lease and the epoch) to `onAttestation` (the daemon
 * posts each for its own lease with postAttestations). Junk, strangers and slow peers get a
 * refusal or a reset, never a crash. */
import type { AbortOptions, Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import type { LengthPrefixedStream } from '@libp2p/utils';
import { PublicKey } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import { attestationMessage } from '@decloud/sdk/chain/index';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { base58FromSolanaPublicKey } from '@decloud/sdk/identity/base58';
import { solanaPublicKeyFromPeerId } from '@decloud/sdk/identity/host-identity';
import { verifySolanaSignature } from '@decloud/sdk/identity/signatures';
import { raceSignal } from '@decloud/sdk/net/abort';
import { TypedEvents } from '@decloud/sdk/net/typed-events';
import { signAnswer } from '@decloud/sdk/witness/witness-answer';
import { decodeChallenge, encodeAnswer, encodeRefusal } from '@decloud/sdk/witness/witness-codec';
import { WITNESS_LIMITS, WITNESS_PROTOCOL } from '@decloud/sdk/witness/witness-messages';
import type { CarriedAttestation, Challenge, LeaseReport, WitnessRefusalReason } from '@decloud/sdk/witness/witness-messages';
import type { Attestation } from '../prover/attestations.js';
import { ConfiguredWitnesses } from './configured-witnesses.js';

export interface WitnessResponderInit {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle'>;
  /** The host's operator keypair: it signs the answers (and is the node's libp2p identity). */
  operator: Keypair;
  /** Reads the program config: which keys are witnesses. */
  chain: Pick<DecloudChain, 'fetchConfig'>;
  /** The host's leases now: a running container is what earns an attestation. */
  leases: (options: AbortOptions) => LeaseReport[] | Promise<LeaseReport[]>;
  /** A valid attestation from a configured witness, once per (witness, lease, epoch). */
  onAttestation: (attestation: Attestation) => void | Promise<void>;
  /** Deadline of one exchange (default 5 s). */
  timeoutMs?: number;
  clock?: () => number;
}

export interface WitnessResponderEvents {
  answered: { witness: string; epoch: bigint; leases: number };
  refused: { peer: PeerId; reason: WitnessRefusalReason; detail: string };
  attestation: Attestation;
  /** An exchange that broke (oversized, too slow, reset), a forged attestation, or onAttestation throwing. */
  failed: { peer: PeerId; error: Error };
}

export interface WitnessResponder {
  readonly events: TypedEvents<WitnessResponderEvents>;
  /** Stops answering (removes the protocol handler). */
  stop(): Promise<void>;
}

export const DEFAULT_RESPONDER_TIMEOUT_MS = 5_000;
/** (witness, lease, epoch) triples remembered, so an attestation redelivered after a lost answer is handed over once. */
const SEEN_ATTESTATIONS = 4096;

export async function registerWitnessResponder(init: WitnessResponderInit): Promise<WitnessResponder> {
  const events = new TypedEvents<WitnessResponderEvents>();
  const witnesses = new ConfiguredWitnesses(init.chain, init.clock === undefined ? {} : { clock: init.clock });
  const timeoutMs = init.timeoutMs ?? DEFAULT_RESPONDER_TIMEOUT_MS;
  const operator = init.operator.publicKey;
  const seen = new Set<string>();

  async function respond(stream: Stream, peer: PeerId): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs);
    const lp = lpStream(stream, { maxDataLength: WITNESS_LIMITS.maxMessageBytes });
    const frame = new Uint8Array((await lp.read({ signal })).subarray());
    let challenge: Challenge;
    try {
      challenge = decodeChallenge(frame);
    } catch (err) {
      return refuse(lp, stream, peer, 'MALFORMED', (err as Error).message, signal);
    }
    const witness = witnessKeyOf(peer);
    let configured: boolean;
    try {
      configured = witness !== undefined && await witnesses.includes(witness, { signal });
    } catch (err) {
      return refuse(lp, stream, peer, 'UNAVAILABLE', `the host cannot check the witness list now: ${(err as Error).message}`, signal);
    }
    if (!configured || witness === undefined) {
      return refuse(lp, stream, peer, 'NOT_A_WITNESS', `peer ${peer.toString()} is not the key of a witness in the program config`, signal);
    }
    let answer: Uint8Array;
    let reported: LeaseReport[];
    try {
      reported = reportable(await raceSignal(Promise.resolve(init.leases({ signal })), signal));
      answer = encodeAnswer(signAnswer(challenge, reported, init.operator.secretKey));
    } catch (err) {
      if (signal.aborted) throw err;
      return refuse(lp, stream, peer, 'UNAVAILABLE', `the host could not report its leases: ${(err as Error).message}`, signal);
    }
    await lp.write(answer, { signal });
    await stream.close({ signal });
    events.emit('answered', { witness: base58FromSolanaPublicKey(witness), epoch: challenge.epoch, leases: reported.length });
    for (const carried of challenge.attestations) accept(carried, witness, peer);
  }

  async function refuse(lp: LengthPrefixedStream<Stream>, stream: Stream, peer: PeerId, reason: WitnessRefusalReason, detail: string, signal: AbortSignal): Promise<void> {
    events.emit('refused', { peer, reason, detail });
    await lp.write(encodeRefusal({ reason, message: truncate(detail) }), { signal });
    await stream.close({ signal });
  }

  function accept(carried: CarriedAttestation, witness: Uint8Array, peer: PeerId): void {
    const lease = new PublicKey(carried.lease);
    const attestation: Attestation = { lease, epoch: carried.epoch, witness: new PublicKey(witness), signature: carried.signature };
    const key = `${attestation.witness.toBase58()}:${lease.toBase58()}:${carried.epoch}`;
    if (seen.has(key)) return;
    if (!verifySolanaSignature('', attestationMessage(operator, lease, carried.epoch), carried.signature, witness)) {
      events.emit('failed', { peer, error: new Error(`witness ${attestation.witness.toBase58()} sent an attestation for lease ${lease.toBase58()} in epoch ${carried.epoch} that is not its signature over (host ${operator.toBase58()}, that lease, epoch ${carried.epoch}): dropped`) });
      return;
    }
    seen.add(key);
    if (seen.size > SEEN_ATTESTATIONS) seen.delete(seen.values().next().value!);
    events.emit('attestation', attestation);
    Promise.resolve().then(() => init.onAttestation(attestation)).catch((error: Error) => events.emit('failed', { peer, error }));
  }

  await init.libp2p.handle(WITNESS_PROTOCOL, (stream: Stream, connection: Connection) => {
    respond(stream, connection.remotePeer).catch((error: Error) => {
      stream.abort(error);
      events.emit('failed', { peer: connection.remotePeer, error });
    });
  }, { maxInboundStreams: 2, runOnLimitedConnection: true });

  return {
    events,
    stop: () => init.libp2p.unhandle(WITNESS_PROTOCOL),
  };
}

/** The Ed25519 key a peer id stands for; undefined for other key types. */
function witnessKeyOf(peer: PeerId): Uint8Array | undefined {
  try {
    return solanaPublicKeyFromPeerId(peer);
  } catch {
    return undefined;
  }
}

/** Running leases first, then as many as an answer holds. */
function reportable(leases: LeaseReport[]): LeaseReport[] {
  return [...leases].sort((a, b) => Number(b.containerRunning) - Number(a.containerRunning)).slice(0, WITNESS_LIMITS.maxLeases);
}

function truncate(message: string): string {
  const max = WITNESS_LIMITS.maxRefusalMessageBytes;
  const bytes = new TextEncoder().encode(message);
  return bytes.length <= max ? message : new TextDecoder().decode(bytes.subarray(0, max - 3)).replace(/\uFFFD$/, '') + '...';
}
