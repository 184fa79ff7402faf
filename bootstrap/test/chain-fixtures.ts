import { PublicKey } from '@solana/web3.js';
import { Ledger } from '../src/chain/ledger.js';

/**
 * Shared fixtures of the chain tests. The SBF program used is the SPL Memo v2 program that
 * ships compiled inside litesvm (a real program, so loading, executing and persisting a
 * program is tested without depending on DeCloud's own program).
 */
export const MEMO_PROGRAM_ID = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');

/** The memo program's ELF bytes, read from a fresh ledger's genesis accounts. */
export async function memoProgramElf(): Promise<Uint8Array> {
  const ledger = await Ledger.create();
  const account = ledger.account(MEMO_PROGRAM_ID);
  await ledger.close();
  if (!account) throw new Error('litesvm no longer ships the SPL Memo program: pick another fixture ELF');
  return account.data;
}

export interface RawResponse {
  status: number;
  text: string;
  json: any;
}

/** A JSON-RPC call with a hand-made body, for what well-behaved clients never send. */
export async function postRaw(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<RawResponse> {
  const response = await fetch(url, { method: 'POST', body, headers });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

export function rpcBody(method: string, params: unknown[] = [], id: number | string = 1): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, params });
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
