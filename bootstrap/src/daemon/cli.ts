/**
 * `decloud-bootstrap`: runs a bootstrap peer until SIGINT/SIGTERM, then stops it cleanly.
 *
 *   decloud-bootstrap --state ~/.decloud/bootstrap --listen 127.0.0.1 --tcp-port 4001 --ws-port 4002 --webrtc-port 4003
 *   decloud-bootstrap ... --http-port 8080 --rpc http://127.0.0.1:8899 --witness-key witness.json
 */
import { startBootstrapDaemon } from './bootstrap-daemon.js';
import { parseDaemonArgs } from './daemon-args.js';

/** A stop that hangs (a peer that never closes its stream) must not keep the process alive. */
const STOP_DEADLINE_MS = 10_000;

const args = parseDaemonArgs(process.argv.slice(2));
const log = (message: string): void => { process.stderr.write(`decloud-bootstrap: ${message}\n`); };

try {
  const daemon = await startBootstrapDaemon(args, { log });
  // Handlers first: whoever reads the addresses below may signal us at once.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    setTimeout(() => { log(`stop took over ${STOP_DEADLINE_MS} ms; exiting anyway`); process.exit(1); }, STOP_DEADLINE_MS).unref();
    daemon.stop().then(
      // Every listener and connection is closed; do not wait for libraries' idle timers.
      () => process.exit(0),
      (err: Error) => { log(`stopping failed: ${err.message}`); process.exit(1); },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const multiaddrs = daemon.multiaddrs();
  const witness = daemon.witness?.witness.toBase58();
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ peerId: daemon.peerId, multiaddrs, http: daemon.httpUrl ?? null, witness: witness ?? null })}\n`);
  } else {
    process.stdout.write([
      'decloud-bootstrap is running',
      `  peer id:  ${daemon.peerId}`,
      `  state:    ${args.stateDir}`,
      ...(daemon.httpUrl === undefined ? [] : [`  http:     ${daemon.httpUrl} (offers, health, metrics${args.webDir === undefined ? '' : `, web client from ${args.webDir}`})`]),
      ...(witness === undefined ? [] : [`  witness:  ${witness} (challenging hosts every proof epoch; heartbeats paid by this key)`]),
      '  dial it at:',
      ...multiaddrs.map((addr) => `    ${addr}`),
    ].join('\n') + '\n');
  }
} catch (err) {
  log((err as Error).message);
  process.exit(1);
}
