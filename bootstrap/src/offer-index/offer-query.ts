/**
 * The query string of `GET /offers`, validated with zod into an OfferBook filter. Every
 * parameter is optional; an unknown, repeated or malformed one is refused (400) with a
 * message naming the parameter and what it accepts, so a typo never silently widens a search.
 */
import { z } from 'zod';
import { U32_MAX } from '@decloud/sdk/codec/field-checks';
import { isCountryCode } from '@decloud/sdk/offers/countries';
import { checkOfferFilter } from '@decloud/sdk/offers/offer-filter';
import type { OfferFilter } from '@decloud/sdk/offers/offer-filter';
import { CPU_ARCHS, OFFER_KINDS } from '@decloud/sdk/offers/types';

export const DEFAULT_OFFER_LIMIT = 100;
export const MAX_OFFER_LIMIT = 1000;

export interface OfferQuery {
  filter: OfferFilter;
  limit: number;
}

export class OfferQueryError extends Error {
  override readonly name = 'OfferQueryError';
}

const count = z.string()
  .regex(/^\d{1,10}$/, { error: `expected a whole number from 0 to ${U32_MAX}` })
  .transform(Number)
  .refine((n) => n <= U32_MAX, { error: `expected a whole number from 0 to ${U32_MAX}` });

const schema = z.strictObject({
  minCpuCores: count,
  minMemoryMiB: count,
  minDiskGiB: count,
  minGpus: count,
  durationSecs: count,
  gpuModel: z.string().min(1, { error: 'expected part of a GPU model name, e.g. "rtx 4090"' }).max(64, { error: 'expected at most 64 characters' }),
  country: z.string().transform((c) => c.toUpperCase()).refine(isCountryCode, { error: 'expected an ISO 3166-1 alpha-2 country code, e.g. DE' }),
  region: z.string().max(64, { error: 'expected a region label of at most 64 characters' }),
  maxLamportsPerHour: z.string().regex(/^\d{1,38}$/, { error: 'expected a whole number of lamports (up to 38 digits)' }).transform(BigInt),
  kind: z.enum(OFFER_KINDS, { error: `expected one of ${OFFER_KINDS.join(', ')}` }),
  image: z.string().regex(/^[\x21-\x7e]{1,128}$/, { error: 'expected an image name of 1-128 printable characters without spaces' }),
  arch: z.enum(CPU_ARCHS, { error: `expected one of ${CPU_ARCHS.join(', ')}` }),
  limit: z.string()
    .regex(/^\d{1,4}$/, { error: `expected a whole number from 1 to ${MAX_OFFER_LIMIT}` })
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_OFFER_LIMIT, { error: `expected a whole number from 1 to ${MAX_OFFER_LIMIT}` }),
}).partial();

const PARAMETERS = Object.keys(schema.shape).join(', ');

/** Throws OfferQueryError naming every bad parameter. */
export function parseOfferQuery(params: URLSearchParams): OfferQuery {
  const raw: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name in raw) throw new OfferQueryError(`query parameter ${name} is given more than once; give it once`);
    raw[name] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new OfferQueryError(parsed.error.issues.map((issue) => issue.code === 'unrecognized_keys'
      ? `unknown query parameter ${issue.keys.join(', ')} (known: ${PARAMETERS})`
      : `query parameter ${issue.path.join('.')}: ${issue.message}, got ${JSON.stringify(raw[String(issue.path[0])])}`).join('; '));
  }
  const { limit, region, ...rest } = parsed.data;
  const filter: OfferFilter = { ...rest, ...(region === undefined ? {} : { regionLabel: region }) };
  try {
    checkOfferFilter(filter);
  } catch (err) {
    throw new OfferQueryError(`query: ${(err as Error).message}`);
  }
  return { filter, limit: limit ?? DEFAULT_OFFER_LIMIT };
}
