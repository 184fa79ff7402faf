import { SystemProgram, TransactionMessage, VersionedTransaction } from '@solana/web3.js';
import type { Keypair, PublicKey } from '@solana/web3.js';
import type { Ledger, SendOutcome } from './ledger.js';
import { SLOT_DURATION_MS } from './slot-clock.js';

/**
 * The chain's faucet: a system account that refills itself. An airdrop is a real transfer
 * from it, so airdrops have signatures, statuses and history like any transaction.
 */
/** Enough for any test or demo; the faucet refills itself and stays below 2^53 lamports. */
const FAUCET_LAMPORTS = 8_000_000 * 1_000_000_000;
export const MAX_AIRDROP_LAMPORTS = 1_000_000 * 1_000_000_000;
const AIRDROP_ATTEMPTS = 3;

export type FaucetLedger = Pick<Ledger, 'account' | 'setAccount' | 'latestBlockhash' | 'send'>;

export class AirdropFaucet {
  constructor(
    readonly keypair: Keypair,
    private readonly ledger: FaucetLedger,
  ) {}

  /** Sets the faucet's balance to its full amount. */
  fill(): void {
    this.ledger.setAccount(this.keypair.publicKey, {
      lamports: FAUCET_LAMPORTS,
      data: new Uint8Array(0),
      owner: SystemProgram.programId,
      executable: false,
      rentEpoch: 0,
    });
  }

  async airdrop(recipient: PublicKey, lamports: number): Promise<SendOutcome> {
    let outcome: SendOutcome = { committed: false, err: 'AlreadyProcessed', logs: [], unitsConsumed: 0 };
    for (let attempt = 0; attempt < AIRDROP_ATTEMPTS; attempt++) {
      if ((this.ledger.account(this.keypair.publicKey)?.lamports ?? 0) < lamports + 1_000_000) this.fill();
      const message = new TransactionMessage({
        payerKey: this.keypair.publicKey,
        recentBlockhash: this.ledger.latestBlockhash().blockhash,
        instructions: [SystemProgram.transfer({ fromPubkey: this.keypair.publicKey, toPubkey: recipient, lamports })],
      }).compileToLegacyMessage();
      const transaction = new VersionedTransaction(message);
      transaction.sign([this.keypair]);
      outcome = this.ledger.send(transaction);
      // The same airdrop twice in one slot is the same transaction: retry with the next slot's blockhash.
      if (outcome.committed || outcome.err !== 'AlreadyProcessed') return outcome;
      await new Promise((resolve) => setTimeout(resolve, SLOT_DURATION_MS));
    }
    return outcome;
  }
}
