/**
 * The exact bytes the program verifies through the Ed25519 instruction before open_lease,
 * post_proof and witness_heartbeat (escrow v2): the SDK's builders (client-sdk/src/chain/proofs.ts),
 * which messages.test.ts pins to the spec's byte layout; and that instruction, signed with
 * Node's Ed25519 (native-ed25519.ts) for speed.
 */
import { Ed25519Program } from '@solana/web3.js';
import type { Keypair, TransactionInstruction } from '@solana/web3.js';
import { signWith } from './native-ed25519.js';

export {
  ATTESTATION_DOMAIN, HEARTBEAT_DOMAIN, RECEIPT_DOMAIN, TERMS_DOMAIN, attestationMessage, heartbeatMessage, receiptMessage, termsMessage,
} from '@decloud/sdk/chain/proofs';
export type { LeaseTerms } from '@decloud/sdk/chain/proofs';

/** The Ed25519 program instruction for `message` signed by `signer` (one signature, inline data). */
export const signed = (signer: Keypair, message: Uint8Array): TransactionInstruction =>
  Ed25519Program.createInstructionWithPublicKey({ publicKey: signer.publicKey.toBytes(), message, signature: signWith(signer, message) });
