/** Option parsers for commander: each refuses bad input with what it expected. */
import { InvalidArgumentError } from 'commander';
import { lamportsOfSol } from '../renter/sol-amounts.js';

export function wholeNumber(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new InvalidArgumentError('expected a whole number, e.g. 2');
  return Number(text);
}

export function positiveWholeNumber(text: string): number {
  const value = wholeNumber(text);
  if (value < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return value;
}

/** Hours, fractions allowed: "1", "0.5". */
export function hours(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) throw new InvalidArgumentError('expected a number of hours above 0, e.g. 1 or 0.5');
  return value;
}

/** Memory in MiB: "512", "512M", "512MiB", "2G", "2GiB". */
export function memoryMiB(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(m|mi|mib|mb|g|gi|gib|gb)?$/i.exec(text.trim());
  if (!match) throw new InvalidArgumentError('expected a memory size such as 512 (MiB), 512MiB or 2GiB');
  const amount = Number(match[1]);
  const unit = (match[2] ?? 'mib').toLowerCase();
  const value = unit.startsWith('g') ? amount * 1024 : amount;
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('expected a whole number of MiB, at least 1');
  return value;
}

/** A SOL amount: "2", "0.25". */
export function solAmount(text: string): bigint {
  const lamports = lamportsOfSol(text);
  if (lamports === undefined || lamports === 0n) throw new InvalidArgumentError('expected an amount of SOL above 0, e.g. 2 or 0.5');
  return lamports;
}

/** `--env NAME=value`, repeatable. */
export function envPair(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const separator = text.indexOf('=');
  const name = separator > 0 ? text.slice(0, separator) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InvalidArgumentError('expected NAME=value with a name of letters, digits and _');
  return { ...previous, [name]: text.slice(separator + 1) };
}

/** ISO 3166-1 alpha-2, any case: "de" -> "DE". */
export function countryCode(text: string): string {
  if (!/^[A-Za-z]{2}$/.test(text)) throw new InvalidArgumentError('expected a two-letter country code such as DE');
  return text.toUpperCase();
}
