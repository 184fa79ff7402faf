/**
 * The start of every authenticated stream: the host sends a fresh random challenge, the
 * renter answers with the lease, its signature and the request, and the gate decides.
 * The request is decoded only once the signer is known to be the lease's renter.
 */
import { randomBytes } from 'node:crypto';
import { ACCESS_LIMITS, decodeAuth, encodeChallenge } from '@decloud/sdk/access/index';
import type { AuthenticatedProtocol } from '@decloud/sdk/access/index';
import type { HostStream } from './host-stream.js';
import type { AdmittedLease, LeaseGate } from './lease-gate.js';

export interface Handshake {
  gate: LeaseGate;
  timeoutMs: number;
}

export async function authenticate<T>(
  stream: HostStream, protocol: AuthenticatedProtocol, handshake: Handshake, decodeRequest: (bytes: Uint8Array) => T,
): Promise<AdmittedLease & { request: T }> {
  const deadline = stream.deadline(handshake.timeoutMs);
  const challenge = new Uint8Array(randomBytes(ACCESS_LIMITS.challengeBytes));
  await stream.write(encodeChallenge(challenge), deadline);
  const auth = decodeAuth(await stream.read(deadline));
  const admitted = await handshake.gate.admit(protocol, challenge, auth, deadline);
  return { ...admitted, request: decodeRequest(auth.request) };
}
