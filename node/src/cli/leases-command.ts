/** `decloud-node leases`: the host's leases, from the local store (or the running daemon) joined with the chain. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import type { Command } from 'commander';
import type { LeaseAccount } from '@decloud/sdk/chain/index';
import { runningDaemon } from '../daemon/daemon-state.js';
import { leaseView } from '../daemon/lease-view.js';
import type { LeaseView } from '../daemon/lease-view.js';
import { LIVE_STATES } from '../leases/lease-state.js';
import { LevelLeaseStore } from '../leases/level-lease-store.js';
import { fromDaemon } from './daemon-client.js';
import { duration, json, short, sol, unixSecs } from './format.js';
import { operatorContext } from './operator-context.js';

/** One lease as listed: what this node knows, and what the chain says when the lease is still open. */
export interface LeaseRow {
  lease: string;
  /** the local state; 'not activated' for a lease open on-chain the node has not started (yet) */
  state: string;
  renter: string;
  image?: string;
  resources?: string;
  lamportsPerSecond: string;
  deposit: string;
  /** unix seconds */
  maxEnd: string;
  onChain: { provenSecs: string; settledSecs: string; paid: string } | null;
  reason?: string;
}

export function leasesCommand(program: Command): void {
  program
    .command('leases')
    .description('list this host\'s leases (local store + chain)')
    .option('--all', 'include closed and failed leases')
    .option('--json', 'print as JSON')
    .action(async (options: { all?: boolean; json?: boolean }, command: Command) => {
      const { config, operator, chain } = await operatorContext(command.optsWithGlobals<{ data?: string }>().data);
      const local = await localLeases(config.dataDir);
      const open = await chain.listLeases({ host: chain.hostAddress(operator.publicKey) });
      const rows = leaseRows(local, open.map(({ address, account }) => ({ address: address.toBase58(), account })))
        .filter((row) => options.all || row.onChain !== null || (LIVE_STATES as readonly string[]).includes(row.state));
      if (options.json) {
        process.stdout.write(`${json(rows)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write(`no ${options.all ? '' : 'open '}leases${options.all ? '' : ' (--all shows closed ones too)'}\n`);
        return;
      }
      const table = new Table({ head: ['lease', 'state', 'renter', 'image', 'resources', 'rate', 'deposit', 'proven', 'paid', 'ends'] });
      for (const row of rows) {
        table.push([
          short(row.lease), row.state, short(row.renter), row.image ?? '?', row.resources ?? '?', `${row.lamportsPerSecond} lamports/s`, sol(BigInt(row.deposit)),
          row.onChain ? duration(BigInt(row.onChain.provenSecs)) : '-', row.onChain ? sol(BigInt(row.onChain.paid)) : '-', unixSecs(BigInt(row.maxEnd)),
        ]);
      }
      process.stdout.write(`${table.toString()}\n`);
    });
}

/** The local records: from the running daemon (it holds the store's lock), else from the store itself. */
async function localLeases(dataDir: string): Promise<LeaseView[]> {
  const daemon = await runningDaemon(dataDir);
  if (daemon) return fromDaemon<LeaseView[]>(daemon, '/leases');
  const path = join(dataDir, 'leases');
  if (!existsSync(path)) return [];
  const store = await LevelLeaseStore.open(path);
  try {
    return (await store.listLeases()).map(leaseView);
  } finally {
    await store.close();
  }
}

export function leaseRows(local: LeaseView[], open: Array<{ address: string; account: LeaseAccount }>): LeaseRow[] {
  const onChain = new Map(open.map(({ address, account }) => [address, account]));
  const rows: LeaseRow[] = local.map((view) => {
    const account = onChain.get(view.lease);
    onChain.delete(view.lease);
    return {
      lease: view.lease,
      state: view.state,
      renter: view.renter,
      image: view.image,
      resources: `${view.cpuCores} cpu, ${view.memoryMiB} MiB, ${view.diskGiB} GiB`,
      lamportsPerSecond: view.lamportsPerSecond,
      deposit: account?.deposit.toString() ?? view.deposit,
      maxEnd: account?.maxEnd.toString() ?? view.maxEnd,
      onChain: account ? chainPart(account) : null,
      ...(view.reason !== undefined ? { reason: view.reason } : {}),
    };
  });
  for (const [lease, account] of onChain) {
    rows.push({
      lease, state: 'not activated', renter: account.renter.toBase58(), lamportsPerSecond: account.rate.toString(), deposit: account.deposit.toString(),
      maxEnd: account.maxEnd.toString(), onChain: chainPart(account),
    });
  }
  return rows;
}

function chainPart(account: LeaseAccount): LeaseRow['onChain'] {
  return { provenSecs: account.provenSecs.toString(), settledSecs: account.settledSecs.toString(), paid: account.paid.toString() };
}
