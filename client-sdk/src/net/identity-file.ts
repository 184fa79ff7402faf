/**
 * Node-only: the libp2p identity of a peer that is not a host (renters, bootstrap peers),
 * generated once and kept in a file so the peer id survives restarts.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { NetError } from './net-error.js';

/** Reads the key in `file` (libp2p protobuf encoding) or creates one there (mode 0600). */
export async function loadOrCreateIdentity(file: string): Promise<PrivateKey> {
  const existing = await readIfExists(file);
  if (existing !== undefined) {
    try {
      return privateKeyFromProtobuf(existing);
    } catch (err) {
      throw new NetError('IDENTITY_FILE', `${file} is not a libp2p private key (${(err as Error).message}); move it away to generate a new identity`, { cause: err });
    }
  }
  const key = await generateKeyPair('Ed25519');
  await writeAtomically(file, privateKeyToProtobuf(key));
  return key;
}

export async function readIfExists(file: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Write-then-rename, so a crash never leaves a half-written secret behind. */
export async function writeAtomically(file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, bytes, { mode: 0o600 });
  await rename(temporary, file);
}
