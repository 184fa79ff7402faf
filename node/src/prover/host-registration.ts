/**
 * The host's on-chain registration, made sure of at every start: register_host once (peer
 * id from the operator key, spec hash from the measured capacity, stake from the config),
 * then activate_host whenever the host is not active. Running it again changes nothing.
 */
import { LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js';
import { DecloudProgramError, hostStatusOf } from '@decloud/sdk/chain/index';
import type { HostAccount, HostStatus } from '@decloud/sdk/chain/index';
import { bounded, throwIfAborted } from '../leases/signal.js';
import type { Signalled } from '../leases/lease-manager.js';
import { checkSignsAsOperator, messageOf } from './components.js';
import type { ProverComponents } from './components.js';
import { ProverError } from './errors.js';
import { hostPeerIdBytes } from './peer-id-bytes.js';

export interface HostRegistrationInit {
  /** lamports staked at registration */
  stake: bigint;
  /** sha256 of the canonical spec (capacity/specHash): 32 bytes or 64 hex characters */
  specHash: Uint8Array | string;
  /** where payouts, rewards and the stake go; default the operator */
  owner?: PublicKey;
}

export interface RegistrationResult {
  host: PublicKey;
  status: HostStatus;
  /** register_host was sent by this call */
  registered: boolean;
  /** activate_host was sent by this call */
  activated: boolean;
}

// Covers the fees of register + activate with room to spare.
const FEE_MARGIN_LAMPORTS = 100_000n;

export class HostRegistration {
  private readonly specHash: Uint8Array;
  private readonly owner: PublicKey;

  constructor(private readonly c: Omit<ProverComponents, 'clock'>, private readonly init: HostRegistrationInit) {
    checkSignsAsOperator(c);
    this.specHash = specHashBytes(init.specHash);
    if (init.stake <= 0n) throw new ProverError('BAD_CONFIG', `stake must be a positive number of lamports, got ${init.stake}`);
    this.owner = init.owner ?? c.operator.publicKey;
  }

  async ensure({ signal }: Signalled = {}): Promise<RegistrationResult> {
    const operator = this.c.operator.publicKey;
    const host = this.c.chain.hostAddress(operator);
    let account = await bounded(this.c.chain.fetchHost(operator), signal);
    let registered = false;
    if (!account) {
      await this.register(signal);
      registered = true;
      account = await this.requireHost(signal);
    } else {
      this.warnOnDrift(account);
    }
    const status = hostStatusOf(account.status);
    if (status === 'jailed') throw jailed(host);
    if (status === 'active') return { host, status, registered, activated: false };
    throwIfAborted(signal);
    await this.translated(() => this.c.chain.activateHost(), signal);
    this.c.log.info({ host: host.toBase58() }, 'host activated');
    return { host, status: 'active', registered, activated: true };
  }

  private async register(signal: AbortSignal | undefined): Promise<void> {
    const config = await bounded(this.c.chain.fetchConfig(), signal);
    if (this.init.stake < config.minHostStake) throw stakeTooLow(this.init.stake, config.minHostStake);
    await this.requireReceivingOwner(signal);
    await this.requireBalance(signal);
    throwIfAborted(signal);
    await this.translated(() => this.c.chain.registerHost({
      owner: this.owner, peerId: hostPeerIdBytes(this.c.operator.publicKey), specHash: this.specHash, stake: this.init.stake,
    }), signal, config.minHostStake);
    this.c.log.info({ host: this.c.chain.hostAddress(this.c.operator.publicKey).toBase58(), stake: this.init.stake.toString() }, 'host registered');
  }

  /**
   * The owner is paid lamports (payouts, rewards, the stake): a program or a sysvar cannot
   * take them (the runtime makes such an account read-only or it is executable), and
   * register_host refuses it with OwnerCannotReceive. Checked first, so no fee is spent.
   */
  private async requireReceivingOwner(signal: AbortSignal | undefined): Promise<void> {
    const info = await bounded(this.c.chain.connection.getAccountInfo(this.owner, 'confirmed'), signal);
    if (info && (info.executable || info.owner.equals(SYSVAR_OWNER))) throw ownerCannotReceive(this.owner, info.executable ? 'an executable program account' : 'a sysvar');
  }

  private async requireBalance(signal: AbortSignal | undefined): Promise<void> {
    const { connection } = this.c.chain;
    const rent = BigInt(await bounded(connection.getMinimumBalanceForRentExemption(this.c.chain.program.account.host.size), signal));
    const needed = this.init.stake + rent + FEE_MARGIN_LAMPORTS;
    const balance = BigInt(await bounded(connection.getBalance(this.c.operator.publicKey), signal));
    if (balance < needed) throw insufficientSol(this.c.operator.publicKey, balance, needed);
  }

  private async requireHost(signal: AbortSignal | undefined): Promise<HostAccount> {
    const account = await bounded(this.c.chain.fetchHost(this.c.operator.publicKey), signal);
    if (!account) throw new ProverError('NOT_REGISTERED', 'register_host succeeded but the host account is not readable: is the RPC node behind? retry');
    return account;
  }

  /** Runs a chain write and turns the program's refusals into errors that name the fix. */
  private async translated(call: () => Promise<string>, signal: AbortSignal | undefined, minStake?: bigint): Promise<void> {
    const host = this.c.chain.hostAddress(this.c.operator.publicKey);
    try {
      await bounded(call(), signal);
    } catch (err) {
      if (err instanceof DecloudProgramError && err.errorName === 'StakeTooLow') {
        const min = minStake ?? (await this.c.chain.fetchConfig()).minHostStake;
        const staked = (await this.c.chain.fetchHost(this.c.operator.publicKey))?.stake ?? this.init.stake;
        throw stakeTooLow(staked, min, err);
      }
      if (err instanceof DecloudProgramError && err.errorName === 'HostJailed') throw jailed(host, err);
      if (err instanceof DecloudProgramError && err.errorName === 'OwnerCannotReceive') throw ownerCannotReceive(this.owner, 'read-only or executable', err);
      if (/insufficient (lamports|funds)|no record of a prior credit/i.test(`${messageOf(err)} ${logsOf(err)}`)) {
        const balance = BigInt(await this.c.chain.connection.getBalance(this.c.operator.publicKey));
        throw insufficientSol(this.c.operator.publicKey, balance, this.init.stake, err);
      }
      throw err;
    }
  }

  private warnOnDrift(account: HostAccount): void {
    if (!Buffer.from(account.specHash).equals(Buffer.from(this.specHash))) {
      this.c.log.warn('the host was registered with another spec hash; the program has no instruction to update it, so offers carry the new one');
    }
    if (!account.owner.equals(this.owner)) {
      this.c.log.warn({ registered: account.owner.toBase58(), configured: this.owner.toBase58() }, 'the host pays out to the owner it was registered with, not the configured one');
    }
  }
}

function specHashBytes(value: Uint8Array | string): Uint8Array {
  if (value instanceof Uint8Array && value.length === 32) return value;
  if (typeof value === 'string' && /^[0-9a-f]{64}$/i.test(value)) return new Uint8Array(Buffer.from(value, 'hex'));
  throw new ProverError('BAD_CONFIG', 'specHash must be 32 bytes or 64 hex characters: use specHash(capacity, score) from capacity/');
}

const sol = (lamports: bigint) => `${Number(lamports) / LAMPORTS_PER_SOL} SOL`;

function stakeTooLow(stake: bigint, min: bigint, cause?: unknown): ProverError {
  return new ProverError('STAKE_TOO_LOW', `the stake ${stake} lamports (${sol(stake)}) is below the program's minimum host stake ${min} (${sol(min)}): set the node's stake to at least ${min} lamports before registering; a registered host tops its stake up with decloud-node add-stake <SOL>`, { cause });
}

function jailed(host: PublicKey, cause?: unknown): ProverError {
  return new ProverError('HOST_JAILED', `host ${host.toBase58()} is jailed (it was penalized for not proving uptime) and can serve no leases: once its jail time is over (decloud-node status shows when), withdraw the remaining stake (decloud-node withdraw) and register with a new operator key`, { cause });
}

/** The owner of sysvars (their accounts are always read-only to a transaction). */
const SYSVAR_OWNER = new PublicKey('Sysvar1111111111111111111111111111111111111');

export function ownerCannotReceive(owner: PublicKey, what: string, cause?: unknown): ProverError {
  return new ProverError('OWNER_CANNOT_RECEIVE', `the owner ${owner.toBase58()} cannot receive lamports (it is ${what}), so the program refuses it as the host's payout address (OwnerCannotReceive): set "owner" in the node's config.json (or DECLOUD_OWNER) to a wallet address you control (decloud-node init --owner <pubkey> --force), or remove it to be paid to the operator key, then start again; nothing was registered`, { cause });
}

function insufficientSol(operator: PublicKey, balance: bigint, needed: bigint, cause?: unknown): ProverError {
  return new ProverError('INSUFFICIENT_SOL', `the operator ${operator.toBase58()} holds ${sol(balance)}, registering needs about ${sol(needed)} (stake + account rent + fees): send SOL to ${operator.toBase58()} (on a local or test chain: solana airdrop)`, { cause });
}

function logsOf(err: unknown): string {
  const logs = (err as { logs?: unknown; transactionLogs?: unknown })?.logs ?? (err as { transactionLogs?: unknown })?.transactionLogs;
  return Array.isArray(logs) ? logs.join('\n') : '';
}
