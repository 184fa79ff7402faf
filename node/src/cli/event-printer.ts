/** How `decloud-node start` shows the daemon's progress: ora spinners for people, JSON lines for scripts. */
import ora from 'ora';
import type { Ora } from 'ora';
import type { HostNodeEvent, StartStep } from '../daemon/host-node-events.js';
import type { HostNodeStatus } from '../daemon/host-node.js';
import { fields, json, short, sol } from './format.js';

export interface EventPrinter {
  event(event: HostNodeEvent): void;
  ready(status: HostNodeStatus, where: { dataDir: string; logFile: string }): void;
  stopping(signal: string): void;
  stopped(): void;
}

export function jsonPrinter(out: NodeJS.WritableStream = process.stdout): EventPrinter {
  const line = (value: object): void => { out.write(`${json(value)}\n`); };
  return {
    event: (event) => {
      const { kind, ...rest } = event;
      line({ event: kind, ...rest });
    },
    ready: (status, where) => line({ event: 'ready', ...status, ...where }),
    stopping: (signal) => line({ event: 'stopping', signal }),
    stopped: () => line({ event: 'stopped' }),
  };
}

export function humanPrinter(out: NodeJS.WriteStream = process.stdout): EventPrinter {
  const spinners = new Map<StartStep, Ora>();
  let offerShown = false;
  const say = (text: string): void => { out.write(`[${new Date().toLocaleTimeString()}] ${text}\n`); };
  return {
    event(event) {
      switch (event.kind) {
        case 'step': {
          if (event.phase === 'start') {
            spinners.set(event.step, ora({ text: event.text, stream: out }).start());
            return;
          }
          const spinner = spinners.get(event.step) ?? ora({ stream: out });
          spinners.delete(event.step);
          if (event.phase === 'done') spinner.succeed(event.text);
          else spinner.fail(event.text);
          return;
        }
        case 'warning':
          ora({ stream: out }).warn(event.text);
          return;
        case 'offer-published':
          // Every republication is counted in the metrics; the first one is news.
          if (!offerShown) say(`offer seq ${event.seq} published to ${event.gossipRecipients} gossip peers${event.recordStored ? ', stored in the DHT' : ''}`);
          offerShown = true;
          return;
        case 'quote':
          say(event.answer === 'quoted' ? `quoted renter ${short(event.renter)}` : `refused renter ${short(event.renter)}: ${event.answer}${event.message ? ` (${event.message})` : ''}`);
          return;
        case 'lease':
          say(`lease ${short(event.lease)}: ${event.from} -> ${event.to}${event.reason ? ` (${event.reason})` : ''}`);
          return;
        case 'paid':
          say(event.what === 'settled' ? `settled ${sol(event.lamports)} of proven time (into the host account)` : `paid out ${sol(event.lamports)} of earnings and uptime rewards to the owner`);
          return;
      }
    },
    ready(status, where) {
      ora({ stream: out }).succeed('host node running');
      out.write(`${fields([
        ['operator', status.host],
        ['peer id', status.peerId],
        ...status.multiaddrs.map((addr, i): [string, string] => [i === 0 ? 'listening' : '', addr]),
        ['offer', status.offer ? `seq ${status.offer.seq}` : 'not signed yet'],
        ['metrics', `${status.metricsUrl}/metrics`],
        ['data', where.dataDir],
        ['log', where.logFile],
      ])}\nCtrl+C stops the node; containers of running leases keep running and resume at the next start.\n`);
    },
    stopping: (signal) => say(`${signal}: stopping (containers of running leases keep running)`),
    stopped: () => say('stopped'),
  };
}
