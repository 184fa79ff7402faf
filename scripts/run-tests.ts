/**
 * Runs every test of the project: each `<pkg>/test/**\/*.test.ts` file in its own Node
 * process (uvu, through tsx), then the program's Rust unit tests (`cargo test`).
 * Ends with one line `N passed, N failed`; exits non-zero when anything failed.
 *
 *   npm test                 everything
 *   npm test -- client-sdk   only files whose path contains one of the words
 */
import { spawn } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usePrivateDockerEngine } from './local-network/docker-host.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const testRoots = ['scripts/sbf', 'scripts/test', 'program/test', 'client-sdk', 'node', 'bootstrap', 'web'];
const filters = process.argv.slice(2);

// Tests find the project's private Docker engine (scripts/docker-engine.sh) without being told.
usePrivateDockerEngine(root);

interface Outcome { passed: number; failed: number; skipped: number }

function testFiles(): string[] {
  const files: string[] = [];
  for (const dir of testRoots) {
    const testDir = dir.endsWith('/test') ? join(root, dir) : join(root, dir, 'test');
    if (!existsSync(testDir)) continue;
    for (const entry of readdirSync(testDir, { recursive: true, encoding: 'utf8' })) {
      if (entry.endsWith('.test.ts') && !entry.includes('node_modules')) files.push(join(testDir, entry));
    }
  }
  return files.sort().filter((f) => filters.length === 0 || filters.some((w) => relative(root, f).includes(w)));
}

// A test file that hangs (an open socket, a stuck child) must not stall the whole run.
const fileTimeoutMs = Number(process.env.DECLOUD_TEST_TIMEOUT_MS ?? 15 * 60_000);

/** Runs a command, echoing its output, and returns the combined text. */
function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const echo = (chunk: Buffer) => { text += chunk.toString(); process.stdout.write(chunk); };
    const timer = setTimeout(() => {
      echo(Buffer.from(`\n[run-tests] ${args.at(-1)} still running after ${fileTimeoutMs / 1000} s: killed\n`));
      child.kill('SIGKILL');
    }, fileTimeoutMs);
    child.stdout.on('data', echo);
    child.stderr.on('data', echo);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? (signal ? 1 : 0), text }); });
    child.on('error', (err) => resolve({ code: 1, text: `${text}\n${err.message}` }));
  });
}

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** Reads uvu's summary; a file that crashed before its summary counts as one failure. */
function uvuOutcome(code: number, text: string): Outcome {
  const plain = strip(text);
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  if (Number.isNaN(total) || Number.isNaN(passed)) return { passed: 0, failed: 1, skipped: 0 };
  const failed = total - passed - skipped;
  return { passed, failed: failed === 0 && code !== 0 ? 1 : failed, skipped };
}

function cargoOutcome(code: number, text: string): Outcome {
  const out: Outcome = { passed: 0, failed: 0, skipped: 0 };
  for (const m of strip(text).matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)) {
    out.passed += Number(m[1]); out.failed += Number(m[2]); out.skipped += Number(m[3]);
  }
  if (code !== 0 && out.failed === 0) out.failed = 1;
  return out;
}

const total: Outcome = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];
const add = (name: string, o: Outcome) => {
  total.passed += o.passed; total.failed += o.failed; total.skipped += o.skipped;
  if (o.failed > 0) failures.push(name);
};

for (const file of testFiles()) {
  const name = relative(root, file);
  process.stdout.write(`\n── ${name}\n`);
  const { code, text } = await run(process.execPath, ['--import', 'tsx', file], root);
  add(name, uvuOutcome(code, text));
}

if (filters.length === 0 || filters.some((w) => 'program/cargo'.includes(w))) {
  process.stdout.write('\n── program (cargo test)\n');
  const { code, text } = await run('cargo', ['test', '--offline', '--quiet', '--manifest-path', join(root, 'program/Cargo.toml')], root);
  add('program (cargo test)', cargoOutcome(code, text));
}

if (failures.length) process.stdout.write(`\nFailed: ${failures.join(', ')}\n`);
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`);
process.exitCode = total.failed > 0 ? 1 : 0;
