/**
 * `decloud-node deactivate` and `withdraw`: leaving the market. Deactivating stops new
 * leases (running ones go on to their end); the stake comes back once no lease is open.
 * `add-stake` tops the stake up, or stakes again after a withdrawal (the next start
 * re-activates the host).
 */
import type { PublicKey } from '@solana/web3.js';
import type { Command } from 'commander';
import { DecloudProgramError, hostStatusOf } from '@decloud/sdk/chain/index';
import type { DecloudChain, HostAccount } from '@decloud/sdk/chain/index';
import { resolveDataDir } from '../config/index.js';
import { DaemonError } from '../daemon/daemon-error.js';
import { runningDaemon } from '../daemon/daemon-state.js';
import { chainRefusal } from './chain-refusal.js';
import { CliError } from './cli-error.js';
import { jailText, json, lamportsOfSol, sol, solAndLamports } from './format.js';
import { operatorContext } from './operator-context.js';
import { requireHost } from './require-host.js';

export function deactivateCommand(program: Command): void {
  program
    .command('deactivate')
    .description('take the host off the market: no new leases; open ones run to their end')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const data = command.optsWithGlobals<{ data?: string }>().data;
      // A running node re-activates the host at its next start and keeps publishing offers meanwhile.
      const daemon = await runningDaemon(resolveDataDir(data));
      if (daemon) throw new DaemonError('ALREADY_RUNNING', `the node is running (pid ${daemon.pid}): stop it first (kill -TERM ${daemon.pid}), then deactivate`);
      const { operator, chain } = await operatorContext(data);
      const host = await requireHost(chain, operator.publicKey);
      const status = hostStatusOf(host.status);
      if (status !== 'active') throw new CliError('NOT_ACTIVE', `the host is ${status}, not active: nothing to deactivate${status === 'inactive' ? ' (decloud-node withdraw returns the stake once no lease is open)' : ''}`);
      const signature = await chain.deactivateHost().catch((err: unknown) => { throw chainRefusal(err, host) ?? err; });
      if (options.json) {
        process.stdout.write(`${json({ status: 'inactive', openLeases: host.openLeases, signature })}\n`);
        return;
      }
      process.stdout.write(`host deactivated: it gets no new leases; ${host.openLeases} open leases run to their end.\nOnce none is open: decloud-node withdraw (returns the stake to ${host.owner.toBase58()}). Starting the node again re-activates the host.\n`);
    });
}

export function withdrawCommand(program: Command): void {
  program
    .command('withdraw')
    .description('return the stake to the owner (host deactivated, no open lease; a jailed host once its jail time is over)')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { operator, chain } = await operatorContext(command.optsWithGlobals<{ data?: string }>().data);
      const host = await requireHost(chain, operator.publicKey);
      if (host.stake === 0n) throw new CliError('NOTHING_TO_WITHDRAW', 'the stake was withdrawn already: decloud-node add-stake <SOL> stakes again');
      const nowSecs = BigInt(Math.floor(Date.now() / 1000));
      if (hostStatusOf(host.status) === 'jailed' && host.jailedUntil > nowSecs) throw stillJailed(host);
      let signature: string;
      try {
        signature = await chain.withdrawStake();
      } catch (err) {
        throw withdrawRefusal(err, host) ?? err;
      }
      if (options.json) {
        process.stdout.write(`${json({ withdrawn: host.stake, owner: host.owner.toBase58(), signature })}\n`);
        return;
      }
      process.stdout.write(`withdrew the stake, ${solAndLamports(host.stake)}, to ${host.owner.toBase58()}\n`);
    });
}

function stillJailed(host: HostAccount): CliError {
  return new CliError('STILL_JAILED', `the host is jailed until ${jailText(host.jailedUntil)} (penalized for missing uptime proofs): its stake, ${solAndLamports(host.stake)}, stays locked until then; run decloud-node withdraw again after that time`);
}

export function addStakeCommand(program: Command): void {
  program
    .command('add-stake <sol>')
    .description("move SOL from the operator into the host's stake (a top-up, or staking again after withdraw)")
    .option('--json', 'print as JSON')
    .action(async (amount: string, options: { json?: boolean }, command: Command) => {
      const lamports = lamportsOfSol(amount);
      if (lamports === undefined || lamports === 0n) {
        throw new CliError('BAD_AMOUNT', `the amount must be a positive amount of SOL such as 1 or 0.5, got ${JSON.stringify(amount)}`);
      }
      const { operator, chain, programConfig } = await operatorContext(command.optsWithGlobals<{ data?: string }>().data);
      const host = await requireHost(chain, operator.publicKey);
      const status = hostStatusOf(host.status);
      if (status === 'jailed') {
        throw new CliError('HOST_JAILED', `the host is jailed (penalized for missing uptime proofs) until ${jailText(host.jailedUntil)} and takes no more stake: once that time is over, take back what is left of it with decloud-node withdraw`);
      }
      await requireBalance(chain, operator.publicKey, lamports);
      const signature = await chain.addStake(lamports).catch((err: unknown) => { throw chainRefusal(err, host) ?? err; });
      const stake = host.stake + lamports;
      if (options.json) {
        process.stdout.write(`${json({ added: lamports, stake, status, signature })}\n`);
        return;
      }
      const min = programConfig.minHostStake;
      const next = stake < min ? `the minimum host stake is ${solAndLamports(min)}: add ${sol(min - stake)} more before the host can be active`
        : status === 'active' ? undefined : 'the host is not active: decloud-node start activates it';
      process.stdout.write(`added ${solAndLamports(lamports)} to the stake: now ${solAndLamports(stake)}\n${next ? `${next}\n` : ''}`);
    });
}

// One signature's fee, with room to spare.
const FEE_MARGIN_LAMPORTS = 10_000n;

/** The operator pays the amount and the fee, and keeps its account's rent-exempt minimum. */
async function requireBalance(chain: DecloudChain, operator: PublicKey, lamports: bigint): Promise<void> {
  const balance = BigInt(await chain.connection.getBalance(operator, 'confirmed'));
  const needed = lamports + BigInt(await chain.connection.getMinimumBalanceForRentExemption(0)) + FEE_MARGIN_LAMPORTS;
  if (balance >= needed) return;
  const key = operator.toBase58();
  throw new CliError('INSUFFICIENT_SOL', `the operator ${key} holds ${solAndLamports(balance)}; adding ${sol(lamports)} needs about ${sol(needed)} (the amount, the fee and the minimum a wallet keeps): send SOL to ${key} (on a local or test chain: solana airdrop)`);
}

function withdrawRefusal(err: unknown, host: HostAccount): CliError | undefined {
  if (err instanceof DecloudProgramError && err.errorName === 'StillJailed') {
    return new CliError('STILL_JAILED', `the chain says the host's jail time is not over (jailed until ${jailText(host.jailedUntil)}; the chain's clock may be behind this machine's): its stake stays locked until then; run decloud-node withdraw again after that time`, { cause: err });
  }
  if (err instanceof DecloudProgramError && err.errorName === 'NothingToClaim') {
    return new CliError('NOTHING_TO_WITHDRAW', 'the stake was withdrawn already: decloud-node add-stake <SOL> stakes again', { cause: err });
  }
  return chainRefusal(err, host);
}
