/**
 * The operator keypair file, in the Solana CLI format (a JSON array of the 64 secret key
 * bytes), so `solana` tools read it too. It is the host's on-chain signer and its libp2p
 * identity at once.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { checkSolanaSecretKey } from '@decloud/sdk/identity/host-identity';
import { ConfigError } from './config-error.js';

/** Reads the operator keypair. Throws ConfigError KEY_MISSING / BAD_KEY naming the file and the fix. */
export async function readOperatorKey(file: string): Promise<Keypair> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError('KEY_MISSING', `no operator key at ${file}: run decloud-node init to create one, or set operatorKeyFile to your Solana keypair file`, { cause: err });
    }
    throw new ConfigError('KEY_MISSING', `cannot read the operator key ${file}: ${(err as Error).message}; check its permissions`, { cause: err });
  }
  const bytes = secretBytesOf(text);
  if (!bytes) {
    throw new ConfigError('BAD_KEY', `${file} is not a Solana keypair file (a JSON array of 64 numbers 0-255): point operatorKeyFile at a keypair made by solana-keygen or decloud-node init`);
  }
  try {
    checkSolanaSecretKey(bytes);
  } catch (err) {
    throw new ConfigError('BAD_KEY', `${file}: ${(err as Error).message}`, { cause: err });
  }
  return Keypair.fromSecretKey(bytes);
}

/**
 * Creates a new operator keypair at `file` (readable by the owner only). Never replaces a
 * key: an existing file is read and returned, because losing it loses the host's stake.
 */
export async function createOperatorKey(file: string): Promise<{ keypair: Keypair; created: boolean }> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const keypair = Keypair.generate();
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { keypair: await readOperatorKey(file), created: false };
    throw new ConfigError('KEY_MISSING', `cannot create the operator key ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    await handle.writeFile(JSON.stringify(Array.from(keypair.secretKey)));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { keypair, created: true };
}

function secretBytesOf(text: string): Uint8Array | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 64) return undefined;
  if (!parsed.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) return undefined;
  return Uint8Array.from(parsed as number[]);
}
