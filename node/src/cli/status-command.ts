/** `decloud-node status`: the host account on-chain, and the local daemon's health when it runs. */
import type { Command } from 'commander';
import { hostStatusOf } from '@decloud/sdk/chain/index';
import type { HostAccount } from '@decloud/sdk/chain/index';
import { resolveDataDir } from '../config/index.js';
import { runningDaemon } from '../daemon/daemon-state.js';
import { fromDaemon } from './daemon-client.js';
import type { HealthJson } from './daemon-client.js';
import { duration, fields, jailText, json, solAndLamports, unixSecs } from './format.js';
import { operatorContext } from './operator-context.js';

export function statusCommand(program: Command): void {
  program
    .command('status')
    .description('show the host account on-chain and the local node\'s health')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const data = command.optsWithGlobals<{ data?: string }>().data;
      const { config, operator, chain } = await operatorContext(data);
      const account = await chain.fetchHost(operator.publicKey);
      const daemon = await runningDaemon(resolveDataDir(data));
      const health = daemon ? await fromDaemon<HealthJson>(daemon, '/health') : undefined;
      if (options.json) {
        process.stdout.write(`${json({
          operator: operator.publicKey.toBase58(),
          hostAccount: chain.hostAddress(operator.publicKey).toBase58(),
          host: account ? { ...account, status: hostStatusOf(account.status), owner: account.owner.toBase58(), operator: account.operator.toBase58() } : null,
          daemon: daemon && health ? { pid: daemon.pid, ...health } : null,
        })}\n`);
        return;
      }
      process.stdout.write(`Host ${operator.publicKey.toBase58()} on ${config.rpcUrl}\n`);
      process.stdout.write(account ? `${hostFields(account, chain.hostAddress(operator.publicKey).toBase58())}\n` : '  not registered yet: decloud-node start registers it (stake from the config)\n');
      process.stdout.write('\nLocal node\n');
      process.stdout.write(daemon && health ? `${daemonFields(daemon.pid, health)}\n` : `  not running (start it with: decloud-node start${data ? ` --data ${data}` : ''})\n`);
    });
}

function hostFields(account: HostAccount, address: string): string {
  const status = hostStatusOf(account.status);
  return fields([
    ['account', address],
    ['status', status],
    ...(account.jailedUntil !== 0n ? [['jailed until', `${jailText(account.jailedUntil)}${status === 'jailed' ? ': the stake stays locked until then (decloud-node withdraw after)' : ''}`] as [string, string]] : []),
    ['owner', account.owner.toBase58()],
    ['stake', solAndLamports(account.stake)],
    ['proven epochs', account.provenEpochs.toString()],
    ['open leases', account.openLeases.toString()],
    ['earned', solAndLamports(account.earned)],
    ['rewards earned', solAndLamports(account.rewardsEarned)],
    ['payable', `${solAndLamports(account.payable)}${account.payable > 0n ? ' (earned, not yet paid out: decloud-node claim)' : ''}`],
    ['last proof', unixSecs(account.lastProofAt)],
    ['registered', unixSecs(account.registeredAt)],
  ]);
}

function daemonFields(pid: number, health: HealthJson): string {
  const running = Object.entries(health.leases).filter(([, count]) => count > 0).map(([state, count]) => `${count} ${state}`).join(', ') || 'none';
  const free = health.capacity.free;
  return fields([
    ['pid', String(pid)],
    ['uptime', duration((Date.now() - health.startedAt) / 1000)],
    ['peer id', health.peerId],
    ['peers', String(health.peers)],
    ['offer', health.offer ? `seq ${health.offer.seq}, published ${health.offer.published} times` : 'not signed yet'],
    ['leases', running],
    ['free', `${free.cpuCores} cores, ${free.memoryMiB} MiB memory, ${free.diskGiB} GiB disk, ${free.gpus} GPUs`],
    ['metrics', `${health.metricsUrl}/metrics`],
  ]);
}
