/**
 * The renter's wallet: a Solana keypair file (a JSON array of the 64 secret key bytes, the
 * format `solana-keygen` writes). The default file is created on first use; a file named
 * explicitly must exist, so a typo never silently makes a new, empty wallet.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { CliError } from './cli-error.js';

export interface LoadedWallet {
  keypair: Keypair;
  created: boolean;
}

export async function loadWallet(file: string, createIfMissing: boolean): Promise<LoadedWallet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliError('WALLET_FILE', `cannot read wallet ${file}: ${(err as Error).message}`, { cause: err });
    if (!createIfMissing) throw new CliError('WALLET_FILE', `wallet file ${file} does not exist: check --wallet / DECLOUD_WALLET, or leave both unset to use ~/.decloud/wallet.json`);
    return { keypair: await createWallet(file), created: true };
  }
  return { keypair: keypairOf(file, text), created: false };
}

function keypairOf(file: string, text: string): Keypair {
  let bytes: unknown;
  try {
    bytes = JSON.parse(text);
  } catch {
    bytes = undefined;
  }
  if (!Array.isArray(bytes) || bytes.length !== 64 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw new CliError('WALLET_FILE', `${file} is not a Solana keypair file (a JSON array of 64 bytes, as solana-keygen writes)`);
  }
  try {
    return Keypair.fromSecretKey(Uint8Array.from(bytes as number[]));
  } catch (err) {
    throw new CliError('WALLET_FILE', `${file} holds 64 bytes that are not a valid keypair (${(err as Error).message})`, { cause: err });
  }
}

/** Write-then-rename with mode 0600: a crash never leaves half a secret, and nobody else reads it. */
async function createWallet(file: string): Promise<Keypair> {
  const keypair = Keypair.generate();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(Array.from(keypair.secretKey)), { mode: 0o600 });
  await rename(temporary, file);
  return keypair;
}
