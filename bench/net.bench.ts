/**
 * `npm run bench:net`: offer propagation, DHT look-up and memory per node (client-sdk/bench/net.bench.ts)
 * plus offer-book query time (client-sdk/bench/offer-book.bench.ts); writes bench/results/net.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchNet } from '../client-sdk/bench/net.bench.js';
import { benchOfferBook } from '../client-sdk/bench/offer-book.bench.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const round = (ms: number) => Math.round(ms * 1000) / 1000;

out('offer book queries (10,000 and 100,000 signed offers)');
const query = await benchOfferBook(true);
out('\npropagation and DHT look-ups (50 and 100 nodes in one process)');
const net = await benchNet(out);

const results = {
  propagationMs: { n50: round(net.propagationMs.n50), n100: round(net.propagationMs.n100) },
  propagation95Ms: { n50: round(net.propagation95Ms.n50), n100: round(net.propagation95Ms.n100) },
  dhtLookupMs: round(net.dhtLookupMs),
  queryMs: { n10000: round(query.n10000), n100000: round(query.n100000) },
  rssPerNodeMiB: Math.round(net.rssPerNodeMiB * 10) / 10,
};
const rows: [string, string, string][] = [
  ['offer to 95% / 100% of 50 nodes (median)', `${results.propagation95Ms.n50} / ${results.propagationMs.n50} ms`, ''],
  ['offer to 95% / 100% of 100 nodes (median)', `${results.propagation95Ms.n100} / ${results.propagationMs.n100} ms`, '100% <= 1000 ms'],
  ['DHT capability look-up, 50 nodes (median)', `${results.dhtLookupMs} ms`, '<= 200 ms'],
  ['offer-book query, 10,000 offers (median)', `${results.queryMs.n10000} ms`, '<= 5 ms'],
  ['offer-book query, 100,000 offers (median)', `${results.queryMs.n100000} ms`, ''],
  ['RSS per node', `${results.rssPerNodeMiB} MiB`, ''],
];
out('');
for (const [what, value, target] of rows) out(`${what.padEnd(44)} ${value.padEnd(18)} ${target}`);

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}net.json`, `${JSON.stringify(results, null, 2)}\n`);
out(`\nwrote bench/results/net.json`);
process.exit(0);
