/** `decloud exec <lease> [--env NAME=value] -- cmd...`: runs a command in the container; its exit code is the CLI's. */
import type { Command } from 'commander';
import { envPair } from './argument-parsers.js';
import { CliError } from './cli-error.js';
import { vouch, withLease } from './lease-session.js';
import { step, warn } from './spinner.js';

export function execCommand(program: Command): void {
  program
    .command('exec')
    .description('run a command in the lease\'s container; prints its output and exits with its exit code')
    .argument('<lease>', 'full lease address (decloud leases lists them)')
    .argument('<command...>', 'the command and its arguments (put -- before it when it has options)')
    .option('--env <NAME=value>', 'environment variable for the command (repeatable)', envPair)
    .passThroughOptions()
    .action(async (address: string, words: string[], options: { env?: Record<string, string> }, command: Command) => {
      // With pass-through options commander keeps the `--` that separates the command.
      const cmd = words[0] === '--' ? words.slice(1) : words;
      if (cmd.length === 0) throw new CliError('BAD_ARGUMENT', 'no command given: decloud exec <lease> -- <command> [args...]');
      await withLease(command, address, { network: true, ...(options.env ? { env: options.env } : {}) }, async (lease) => {
        const result = await step(`running ${JSON.stringify(cmd.join(' '))}`, () => lease.exec(cmd), (r) => `exited with code ${r.exitCode}`);
        process.stdout.write(result.stdout);
        process.stderr.write(result.stderr);
        if (result.truncated) warn('the output was longer than the host returns (1 MiB per stream): it was cut');
        await vouch(lease);
        process.exitCode = result.exitCode;
      });
    });
}
