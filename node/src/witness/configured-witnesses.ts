/**
 * The witness keys listed in the program config, read from the chain and cached. A key not
 * in the cache triggers one re-read at most every `recheckMs`, so a newly configured
 * witness is accepted within seconds while strangers cannot make the host hammer its RPC.
 */
import type { AbortOptions } from '@libp2p/interface';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { base58FromSolanaPublicKey } from '@decloud/sdk/identity/base58';
import { raceSignal } from '@decloud/sdk/net/abort';

export interface ConfiguredWitnessesInit {
  /** Re-read the config this often even when every challenger is known (default 10 min). */
  ttlMs?: number;
  /** Re-read at most this often for an unknown challenger (default 10 s). */
  recheckMs?: number;
  clock?: () => number;
}

export class ConfiguredWitnesses {
  private keys: Set<string> | undefined;
  private readAt = -Infinity;
  private reading: Promise<Set<string>> | undefined;
  private lastError: Error | undefined;
  private readonly ttlMs: number;
  private readonly recheckMs: number;
  private readonly clock: () => number;

  constructor(private readonly chain: Pick<DecloudChain, 'fetchConfig'>, init: ConfiguredWitnessesInit = {}) {
    this.ttlMs = init.ttlMs ?? 600_000;
    this.recheckMs = init.recheckMs ?? 10_000;
    this.clock = init.clock ?? Date.now;
  }

  /** Whether the 32-byte key is a configured witness; throws while the config has never been readable. */
  async includes(key: Uint8Array, options: AbortOptions = {}): Promise<boolean> {
    const id = base58FromSolanaPublicKey(key);
    const age = this.clock() - this.readAt;
    const due = this.keys === undefined ? age >= this.recheckMs : age >= this.ttlMs || (!this.keys.has(id) && age >= this.recheckMs);
    if (due) {
      try {
        await this.read(options);
      } catch (err) {
        this.lastError = err as Error;
      }
    }
    // After an RPC hiccup the keys read before still hold.
    if (this.keys === undefined) throw new Error(`the program config (its witness list) could not be read: ${this.lastError?.message ?? 'not read yet'}`);
    return this.keys.has(id);
  }

  private async read(options: AbortOptions): Promise<Set<string>> {
    this.reading ??= this.chain.fetchConfig().then((config) => {
      this.keys = new Set(config.witnesses.slice(0, config.witnessCount).map((key) => key.toBase58()));
      return this.keys;
    }).finally(() => {
      this.readAt = this.clock();
      this.reading = undefined;
    });
    return options.signal ? raceSignal(this.reading, options.signal) : this.reading;
  }
}
