/** `decloud shell <lease>`: an interactive terminal in the container (raw TTY, resized with the window). */
import type { Command } from 'commander';
import { envPair } from './argument-parsers.js';
import { vouch, withLease } from './lease-session.js';
import { step } from './spinner.js';

/** Without a terminal, stdin ending means no more input: give the command this long to finish before hanging up. */
const HANG_UP_AFTER_INPUT_MS = 2_000;

export function shellCommand(program: Command): void {
  program
    .command('shell')
    .description('open an interactive shell in the lease\'s container (exit or Ctrl+D leaves it)')
    .argument('<lease>', 'full lease address (decloud leases lists them)')
    .option('--cmd <program>', 'program to run instead of /bin/sh')
    .option('--env <NAME=value>', 'environment variable for the shell (repeatable)', envPair)
    .action(async (address: string, options: { cmd?: string; env?: Record<string, string> }, command: Command) => {
      await withLease(command, address, { network: true, ...(options.env ? { env: options.env } : {}) }, async (lease) => {
        const { stdin, stdout } = process;
        const session = await step('opening a terminal', () => lease.shell({
          cols: stdout.columns ?? 80,
          rows: stdout.rows ?? 24,
          ...(options.cmd ? { cmd: [options.cmd] } : {}),
        }), () => `terminal open${stdin.isTTY ? ' (exit or Ctrl+D leaves it)' : ''}`);
        await vouch(lease);
        session.onData((chunk) => stdout.write(chunk));
        const onInput = (chunk: Buffer): void => session.write(new Uint8Array(chunk));
        const onResize = (): void => session.resize(stdout.columns ?? 80, stdout.rows ?? 24);
        const onInputEnd = (): void => {
          setTimeout(() => session.close(), HANG_UP_AFTER_INPUT_MS).unref();
        };
        if (stdin.isTTY) stdin.setRawMode(true);
        stdin.on('data', onInput);
        stdin.on('end', onInputEnd);
        process.on('SIGWINCH', onResize);
        try {
          process.exitCode = await session.exited;
        } finally {
          process.off('SIGWINCH', onResize);
          stdin.off('data', onInput);
          stdin.off('end', onInputEnd);
          if (stdin.isTTY) stdin.setRawMode(false);
          stdin.pause();
        }
      });
    });
}
