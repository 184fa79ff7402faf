/**
 * `decloud hosts` numbers the hosts it lists and keeps the list, so `decloud rent 1` means
 * the first host of the last listing (each command is its own process).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from './cli-error.js';

const FILE = 'last-hosts.json';

export async function saveHostList(home: string, peerIds: string[]): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const file = join(home, FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify({ savedAt: new Date().toISOString(), peerIds }));
  await rename(temporary, file);
}

/** A peer id as given, or the peer id at that 1-based position of the last `decloud hosts` list. */
export async function hostOfArgument(home: string, argument: string): Promise<string> {
  if (!/^\d+$/.test(argument)) return argument;
  const index = Number(argument);
  let peerIds: unknown;
  try {
    peerIds = (JSON.parse(await readFile(join(home, FILE), 'utf8')) as { peerIds?: unknown }).peerIds;
  } catch {
    throw new CliError('NO_HOST_LIST', `host ${argument} is a number, but there is no host list yet: run \`decloud hosts\` first (or give the host's peer id)`);
  }
  if (!Array.isArray(peerIds) || index < 1 || index > peerIds.length || typeof peerIds[index - 1] !== 'string') {
    throw new CliError('BAD_ARGUMENT', `the last \`decloud hosts\` listed ${Array.isArray(peerIds) ? peerIds.length : 0} hosts; there is no #${argument}: list them again`);
  }
  return peerIds[index - 1] as string;
}
