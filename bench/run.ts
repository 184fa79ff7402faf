/** `npm run bench`: every benchmark in turn, each in its own process; figures land in bench/results/. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benches = ['program', 'net', 'rent'];
let failed = 0;
for (const name of benches) {
  const file = fileURLToPath(new URL(`./${name}.bench.ts`, import.meta.url));
  if (!existsSync(file)) continue;
  process.stdout.write(`\n━━ bench:${name}\n`);
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (status !== 0) { failed++; process.stdout.write(`bench:${name} failed (exit ${status})\n`); }
}
process.exitCode = failed ? 1 : 0;
