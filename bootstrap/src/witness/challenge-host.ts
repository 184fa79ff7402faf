/**
 * The witness's side of one exchange: dial the host by the peer id of its operator key,
 * send the challenge, read one answer (or refusal) and verify it. The whole exchange,
 * dial included, is bounded by `timeoutMs`: a host that is slower did not answer.
 */
import type { AbortOptions, Libp2p } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import { base58FromSolanaPublicKey } from '@decloud/sdk/identity/base58';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/host-identity';
import { derivedSignal } from '@decloud/sdk/net/abort';
import { verifyAnswer } from '@decloud/sdk/witness/witness-answer';
import { decodeRefusal, encodeChallenge, witnessMessageKind } from '@decloud/sdk/witness/witness-codec';
import { WitnessError, WitnessRefusedError } from '@decloud/sdk/witness/witness-error';
import { WITNESS_LIMITS, WITNESS_PROTOCOL } from '@decloud/sdk/witness/witness-messages';
import type { Answer, Challenge } from '@decloud/sdk/witness/witness-messages';

export interface ChallengeOptions extends AbortOptions {
  timeoutMs: number;
}

export async function challengeHost(
  streams: Pick<Libp2p, 'dialProtocol'>,
  operator: Uint8Array,
  challenge: Challenge,
  options: ChallengeOptions,
): Promise<Answer> {
  const host = base58FromSolanaPublicKey(operator);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = derivedSignal(undefined, timeout, options.signal);
  const request = encodeChallenge(challenge);
  let stream;
  try {
    // Hosts behind NAT are reached through a relay: a limited connection is enough for two frames.
    stream = await streams.dialProtocol(peerIdFromSolanaPublicKey(operator), WITNESS_PROTOCOL, { signal, runOnLimitedConnection: true });
  } catch (err) {
    options.signal?.throwIfAborted();
    if (timeout.aborted) throw timedOut(host, options.timeoutMs, err);
    throw new WitnessError('UNREACHABLE', `host ${host} could not be reached on ${WITNESS_PROTOCOL}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const lp = lpStream(stream, { maxDataLength: WITNESS_LIMITS.maxMessageBytes });
    await lp.write(request, { signal });
    const reply = new Uint8Array((await lp.read({ signal })).subarray());
    await stream.close({ signal }).catch(() => { /* the answer is in hand */ });
    return readReply(reply, challenge, operator, host);
  } catch (err) {
    stream.abort(err as Error);
    options.signal?.throwIfAborted();
    if (err instanceof WitnessError) throw err;
    if (timeout.aborted) throw timedOut(host, options.timeoutMs, err);
    throw new WitnessError('MALFORMED', `host ${host} broke off the exchange: ${(err as Error).message}`, { cause: err });
  }
}

function readReply(reply: Uint8Array, challenge: Challenge, operator: Uint8Array, host: string): Answer {
  const kind = witnessMessageKind(reply);
  if (kind === 'answer') return verifyAnswer(reply, challenge, operator);
  if (kind === 'refusal') {
    throw new WitnessRefusedError(decodeRefusal(reply), host);
  }
  throw new WitnessError('MALFORMED', `host ${host} replied with a frame of unknown kind (tag ${String(reply[0])}); it may run an incompatible version`);
}

function timedOut(host: string, timeoutMs: number, cause: unknown): WitnessError {
  return new WitnessError('TIMEOUT', `host ${host} did not answer within ${timeoutMs} ms`, { cause });
}
