/** `decloud-node start`: runs the host daemon in the foreground until SIGINT/SIGTERM. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../config/index.js';
import type { HostNode } from '../daemon/host-node.js';
import { humanPrinter, jsonPrinter } from './event-printer.js';

/** A stop that hangs (a peer that never closes its stream) must not keep the process alive. */
const STOP_DEADLINE_MS = 20_000;

export function startCommand(program: Command): void {
  program
    .command('start')
    .description('run the host node in the foreground (Ctrl+C stops it; running containers keep running)')
    .option('--json', 'print progress and events as JSON lines')
    .action(async (options: { json?: boolean }, command: Command) => {
      const config = await loadConfig({ dataDir: command.optsWithGlobals<{ data?: string }>().data });
      const logFile = join(config.dataDir, 'node.log');
      const log = pino({ level: config.logLevel }, pino.destination({ dest: logFile, sync: true, mkdir: true }));
      const printer = options.json ? jsonPrinter() : humanPrinter();
      const cancel = new AbortController();
      let node: HostNode | undefined;
      const stopped = new Promise<void>((resolve) => {
        let stopping = false;
        const onSignal = (signal: NodeJS.Signals): void => {
          if (stopping) {
            process.exit(1); // a second Ctrl+C: the operator does not want to wait
          }
          stopping = true;
          printer.stopping(signal);
          setTimeout(() => {
            process.stderr.write(`decloud-node: stopping took over ${STOP_DEADLINE_MS / 1000} s; exiting anyway\n`);
            process.exit(1);
          }, STOP_DEADLINE_MS).unref();
          if (!node) {
            cancel.abort(new Error(`${signal} during start`)); // startHostNode undoes what it started and throws
            return;
          }
          node.stop().then(resolve, (err: Error) => {
            process.stderr.write(`decloud-node: stopping failed: ${err.message}\n`);
            process.exit(1);
          });
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      // Loaded here, not at the top: the one-shot commands need neither libp2p nor Docker.
      const { startHostNode } = await import('../daemon/host-node.js');
      node = await startHostNode(config, { signal: cancel.signal, log, onEvent: (event) => printer.event(event) });
      printer.ready(await node.status(), { dataDir: config.dataDir, logFile });
      await stopped;
      printer.stopped();
    });
}
