/** The witness key: a Solana keypair file (a JSON array of the 64 secret key bytes, as solana-keygen writes it). */
import { readFile } from 'node:fs/promises';
import { Keypair } from '@solana/web3.js';
import { WitnessError } from '@decloud/sdk/witness/witness-error';

export async function readKeypairFile(file: string): Promise<Keypair> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw keyFileError(file, (err as Error).message, err);
  }
  let bytes: unknown;
  try {
    bytes = JSON.parse(text);
  } catch (err) {
    throw keyFileError(file, 'it is not JSON', err);
  }
  if (!Array.isArray(bytes) || bytes.length !== 64 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw keyFileError(file, 'expected a JSON array of 64 numbers from 0 to 255');
  }
  try {
    return Keypair.fromSecretKey(Uint8Array.from(bytes as number[]));
  } catch (err) {
    throw keyFileError(file, 'its last 32 bytes are not the public key of its first 32', err);
  }
}

function keyFileError(file: string, problem: string, cause?: unknown): WitnessError {
  return new WitnessError('KEY_FILE', `${file} is not a Solana keypair file (${problem}); make one with solana-keygen new -o ${file}`, cause === undefined ? undefined : { cause });
}
