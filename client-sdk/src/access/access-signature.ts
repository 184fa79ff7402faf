/**
 * The renter's proof of authority on an authenticated stream, signed by the lease's renter
 * or its delegate (the renter's session key for that lease, named on-chain):
 *
 *   ed25519(renter or delegate key, "decloud/access/v1" || protocol id || lease 32 || challenge 32 || sha256(request))
 *
 * The protocol id binds it to one protocol (an exec signature cannot open a shell), the
 * challenge to one stream (the host picks it fresh, so a recorded signature replays
 * nowhere), and the request hash to exactly what is asked (nobody in between can swap the
 * command). The protocol id is the only variable-length part and comes first after the
 * fixed domain, so the signed bytes parse one way only.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { PublicKey } from '@solana/web3.js';
import { signWithSolanaSecret, verifySolanaSignature } from '../identity/signatures.js';
import type { AuthenticatedProtocol } from './protocol-ids.js';

export const ACCESS_DOMAIN = 'decloud/access/v1';

export interface AccessClaim {
  protocol: AuthenticatedProtocol;
  lease: PublicKey;
  challenge: Uint8Array;
  request: Uint8Array;
}

/** The bytes signed after the domain. */
export function accessSignedBody(claim: AccessClaim): Uint8Array {
  const protocol = new TextEncoder().encode(claim.protocol);
  const body = new Uint8Array(protocol.length + 32 + claim.challenge.length + 32);
  body.set(protocol, 0);
  body.set(claim.lease.toBytes(), protocol.length);
  body.set(claim.challenge, protocol.length + 32);
  body.set(sha256(claim.request), protocol.length + 32 + claim.challenge.length);
  return body;
}

/** Signs with the 64-byte Solana secret key of the lease's renter or delegate. */
export function signAccess(claim: AccessClaim, secretKey: Uint8Array): Uint8Array {
  return signWithSolanaSecret(ACCESS_DOMAIN, accessSignedBody(claim), secretKey);
}

/** Whether `signature` is `signer`'s over the claim; never throws. A host accepts the lease's renter and its delegate. */
export function verifyAccess(claim: AccessClaim, signature: Uint8Array, signer: PublicKey): boolean {
  return verifySolanaSignature(ACCESS_DOMAIN, accessSignedBody(claim), signature, signer.toBytes());
}
