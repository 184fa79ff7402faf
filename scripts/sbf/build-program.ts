/**
 * `npm run build:program`: builds program/deploy/decloud.so offline (Debian rustc + LLVM +
 * the project's SBF linker). `--check` (CI) rebuilds into .build/ and exits 1 when the
 * bytes differ from the committed decloud.so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { SbfBuildError } from './build-error.js';
import { SbfLinkError } from './linker/errors.js';
import { buildProgram } from './pipeline.js';
import { formatSeconds } from './progress.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const deployed = join(root, 'program/deploy/decloud.so');
const check = process.argv.includes('--check');
const started = performance.now();

try {
  const outFile = check ? join(root, '.build/sbf/decloud.check.so') : deployed;
  const built = buildProgram({ root, outFile });
  if (check) {
    const committed = existsSync(deployed) ? readFileSync(deployed) : undefined;
    if (!committed || !committed.equals(built.bytes)) {
      const why = committed ? 'differs from a fresh build' : 'is missing';
      process.stderr.write(`program/deploy/decloud.so ${why}: run \`npm run build:program\` and commit the result\n`);
      process.exit(1);
    }
    process.stdout.write(`program/deploy/decloud.so matches the fresh build (${formatSeconds(performance.now() - started)})\n`);
  } else {
    process.stdout.write(`built in ${formatSeconds(performance.now() - started)}\n`);
  }
} catch (error) {
  if (error instanceof SbfBuildError || error instanceof SbfLinkError) {
    process.stderr.write(`build:program failed: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
