/** `decloud rent <host> --image --hours [--cpu --memory --disk --gpus]`: quote, fund, start, with a spinner per step. */
import type { Command } from 'commander';
import type { RentProgress } from '../renter/rent-progress.js';
import { DEFAULT_RESOURCES } from '../renter/rent-request.js';
import { hours, memoryMiB, positiveWholeNumber, wholeNumber } from './argument-parsers.js';
import { fields, solPerHour, solText, unixTime, duration } from './format.js';
import { hostOfArgument } from './host-list.js';
import { withDeCloud } from './session.js';
import { PhaseSpinner, step } from './spinner.js';

interface RentCommandOptions {
  image: string;
  hours: number;
  cpu?: number;
  memory?: number;
  disk?: number;
  gpus?: number;
}

export function rentCommand(program: Command): void {
  program
    .command('rent')
    .description('rent a container from a host: get its quote, open the lease on-chain (deposit into escrow), start the container')
    .argument('<host>', 'the host\'s peer id, or its # in the last `decloud hosts` list')
    .requiredOption('--image <name>', 'image to run, one the host allows (see `decloud hosts`)')
    .requiredOption('--hours <h>', 'lease length in hours (fractions allowed); unused time is refunded at the end', hours)
    .option('--cpu <cores>', `CPU cores (default ${DEFAULT_RESOURCES.cpuCores})`, positiveWholeNumber)
    .option('--memory <size>', `memory, e.g. 512MiB or 2GiB (default ${DEFAULT_RESOURCES.memoryMiB} MiB)`, memoryMiB)
    .option('--disk <GiB>', `disk in GiB (default ${DEFAULT_RESOURCES.diskGiB})`, wholeNumber)
    .option('--gpus <n>', 'GPUs', wholeNumber)
    .action(async (host: string, options: RentCommandOptions, command: Command) => {
      await withDeCloud(command, { network: true }, async (decloud, { config }) => {
        const peerId = await hostOfArgument(config.home, host);
        const offer = await step(`finding host ${peerId}`, () => decloud.findHost(peerId), (found) => `host ${found.offer.peerId} (${found.offer.region.country}) found`);
        const phases = new PhaseSpinner();
        const resources = {
          ...(options.cpu !== undefined ? { cpuCores: options.cpu } : {}),
          ...(options.memory !== undefined ? { memoryMiB: options.memory } : {}),
          ...(options.disk !== undefined ? { diskGiB: options.disk } : {}),
          ...(options.gpus !== undefined ? { gpus: options.gpus } : {}),
        };
        try {
          const lease = await decloud.rent(offer, { image: options.image, hours: options.hours, resources }, {
            onProgress: (progress) => showProgress(phases, progress),
            // This process ends after the rental: receipts are sent by the commands that use the lease.
            receiptIntervalMs: false,
          });
          const info = await lease.info();
          process.stdout.write(`${fields([
            ['lease', lease.address],
            ['host', `${lease.hostPeerId} (operator ${lease.host})`],
            ['image', options.image],
            ['rate', solPerHour(info.rate)],
            ['deposit', `${solText(info.deposit)} in escrow (unproven time is refunded at the end)`],
            ['ends', `${unixTime(info.maxEnd)} (in ${duration(Number(info.maxEnd) - Date.now() / 1000)})`],
          ])}\n\nUse it:\n  decloud exec ${lease.address} -- echo hello\n  decloud shell ${lease.address}\n  decloud end ${lease.address}    (refunds the unused time)\n`);
        } catch (err) {
          phases.fail();
          throw err;
        }
      });
    });
}

function showProgress(phases: PhaseSpinner, progress: RentProgress): void {
  switch (progress.step) {
    case 'quote':
      phases.begin(`asking host ${progress.peerId} for a quote (${duration(progress.durationSecs)})`);
      return;
    case 'quoted':
      phases.done(`quoted ${solPerHour(progress.quote.lamportsPerSecond)}: deposit ${solText(progress.quote.deposit)} for ${duration(progress.quote.durationSecs)}, terms signed by the host`);
      return;
    case 'funding':
      phases.begin(`opening the lease on-chain (${solText(progress.deposit)} into escrow, ${solText(progress.rentExempt)} account rent)`);
      return;
    case 'funded':
      phases.done(`lease ${progress.lease} funded`);
      return;
    case 'starting':
      phases.begin('the host is checking the lease and starting the container');
      return;
    case 'running':
      phases.done(`container ${progress.details.container} running ${progress.details.image}`);
  }
}
