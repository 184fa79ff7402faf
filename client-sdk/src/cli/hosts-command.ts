/** `decloud hosts [filters]`: live offers, best first, numbered for `decloud rent <#>`. */
import type { Command } from 'commander';
import type { OfferFilter } from '../offers/offer-filter.js';
import { priceOf } from '../offers/pricing.js';
import type { CpuArch, OfferKind, ResourceRequest, SignedOffer } from '../offers/types.js';
import { DEFAULT_RESOURCES } from '../renter/rent-request.js';
import { sol } from '../renter/sol-amounts.js';
import { countryCode, hours, memoryMiB, positiveWholeNumber, solAmount, wholeNumber } from './argument-parsers.js';
import { duration, mib, table } from './format.js';
import { saveHostList } from './host-list.js';
import { withDeCloud } from './session.js';
import { step } from './spinner.js';

interface HostsOptions {
  cpu?: number;
  memory?: number;
  disk?: number;
  gpu?: string;
  gpus?: number;
  country?: string;
  region?: string;
  maxPrice?: bigint;
  image?: string;
  hours?: number;
  kind?: string;
  arch?: string;
  limit?: number;
  timeout?: number;
}

export function hostsCommand(program: Command): void {
  program
    .command('hosts')
    .description('list hosts selling containers, cheapest first for the resources asked (numbered for `decloud rent <#>`)')
    .option('--cpu <cores>', `CPU cores wanted (default ${DEFAULT_RESOURCES.cpuCores})`, positiveWholeNumber)
    .option('--memory <size>', `memory wanted, e.g. 512MiB or 2GiB (default ${DEFAULT_RESOURCES.memoryMiB} MiB)`, memoryMiB)
    .option('--disk <GiB>', `disk wanted in GiB (default ${DEFAULT_RESOURCES.diskGiB})`, wholeNumber)
    .option('--gpu <model>', 'GPU model, any part of its name, e.g. "rtx 4090"')
    .option('--gpus <n>', 'GPUs wanted', wholeNumber)
    .option('--country <code>', 'ISO country code of the host, e.g. DE', countryCode)
    .option('--region <label>', 'region label of the host, e.g. "Berlin"')
    .option('--max-price <sol>', 'highest price per hour for the resources asked, in SOL', solAmount)
    .option('--image <name>', 'an image the host must run, e.g. decloud/busybox:local')
    .option('--hours <h>', 'lease length the host must allow', hours)
    .option('--kind <kind>', 'docker, aws or gcp')
    .option('--arch <arch>', 'x86_64 or arm64')
    .option('--limit <n>', 'most hosts to list (default 20)', positiveWholeNumber)
    .option('--timeout <secs>', 'how long to look when none is known yet (default 10)', positiveWholeNumber)
    .action(async (options: HostsOptions, command: Command) => {
      const wanted: ResourceRequest = {
        cpuCores: options.cpu ?? DEFAULT_RESOURCES.cpuCores,
        memoryMiB: options.memory ?? DEFAULT_RESOURCES.memoryMiB,
        diskGiB: options.disk ?? DEFAULT_RESOURCES.diskGiB,
        gpus: options.gpus ?? DEFAULT_RESOURCES.gpus,
      };
      await withDeCloud(command, { network: true }, async (decloud, { config }) => {
        const offers = await step('looking for hosts (gossip, DHT)', () => decloud.findHosts(filterOf(options, wanted), {
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
          ...(options.timeout !== undefined ? { timeoutMs: options.timeout * 1000 } : {}),
        }), (found) => `${found.length} host${found.length === 1 ? '' : 's'} found`);
        await saveHostList(config.home, offers.map((signed) => signed.offer.peerId));
        if (offers.length === 0) {
          process.stderr.write('No live host matches: loosen the filters, or wait a minute for hosts to publish their offers.\n');
          return;
        }
        process.stdout.write(`${hostTable(offers, wanted)}\nPrices are for ${wanted.cpuCores} core(s), ${mib(wanted.memoryMiB)} memory, ${wanted.diskGiB} GiB disk${wanted.gpus > 0 ? `, ${wanted.gpus} GPU(s)` : ''}. Rent one: decloud rent <#|peer id> --image <image> --hours <h>\n`);
      });
    });
}

function filterOf(options: HostsOptions, wanted: ResourceRequest): OfferFilter {
  return {
    minCpuCores: wanted.cpuCores,
    minMemoryMiB: wanted.memoryMiB,
    minDiskGiB: wanted.diskGiB,
    ...(options.gpus !== undefined ? { minGpus: options.gpus } : {}),
    ...(options.gpu !== undefined ? { gpuModel: options.gpu } : {}),
    ...(options.country !== undefined ? { country: options.country } : {}),
    ...(options.region !== undefined ? { regionLabel: options.region } : {}),
    ...(options.maxPrice !== undefined ? { maxLamportsPerHour: options.maxPrice } : {}),
    ...(options.image !== undefined ? { image: options.image } : {}),
    ...(options.hours !== undefined ? { durationSecs: Math.round(options.hours * 3600) } : {}),
    ...(options.kind !== undefined ? { kind: options.kind as OfferKind } : {}),
    ...(options.arch !== undefined ? { arch: options.arch as CpuArch } : {}),
  };
}

function hostTable(offers: SignedOffer[], wanted: ResourceRequest): string {
  return table(
    ['#', 'peer id', 'region', 'cores', 'memory', 'disk', 'GPUs', 'score', 'SOL/hour', 'lease length', 'images'],
    offers.map(({ offer }, i) => {
      const r = offer.resources;
      return [
        String(i + 1),
        offer.peerId,
        offer.region.label ? `${offer.region.country} ${offer.region.label}` : offer.region.country,
        String(r.cpuCores),
        mib(r.memoryMiB),
        `${r.diskGiB} GiB`,
        r.gpus.length === 0 ? '-' : r.gpus.map((g) => `${g.count}x ${g.model}`).join(', '),
        String(r.benchScore),
        sol(priceOf(offer, wanted)),
        `${duration(offer.duration.minSecs)}-${duration(offer.duration.maxSecs)}`,
        offer.images.join(', '),
      ];
    }),
  );
}
