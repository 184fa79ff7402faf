/**
 * The binary form of an offer (version 1). Fields are written in this fixed order, integers
 * big-endian with fixed width, text as u16 length + UTF-8, lists as u8 count + entries,
 * enums as u8 tags (index in OFFER_KINDS / CPU_ARCHS), so one offer has exactly one
 * encoding and a decoder accepts exactly what an encoder produces:
 *
 *   u8 version | u8 kind | host: 32 bytes | text peerId | u8 n, n x text addr
 *   resources: u16 cpuCores | text cpuModel | u32 benchScore | u32 memoryMiB | u32 diskGiB
 *              | u8 n, n x (text model | u32 memoryMiB | u16 count) | u8 arch
 *   region: 2 ASCII bytes country | text label
 *   price: u64 cpuCore | u64 memoryGiB | u64 diskGiB | u64 gpu
 *          | u8 n, n x (text name | u16 cpuCores | u32 memoryMiB | u32 diskGiB | u16 gpus | u64 lamportsPerHour)
 *   duration: u32 minSecs | u32 maxSecs
 *   images: u8 n, n x text image
 *   u64 stake | u64 seq | u64 issuedAt | u64 expiresAt
 *
 * The signed form appends the 64-byte Ed25519 signature.
 */
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { CodecError } from '../codec/codec-error.js';
import { base58Encode, solanaPublicKeyFromBase58 } from '../identity/base58.js';
import { SIGNATURE_LENGTH } from '../identity/signatures.js';
import { OfferError } from './errors.js';
import { checkOffer, OFFER_LIMITS } from './limits.js';
import { CPU_ARCHS, OFFER_KINDS, OFFER_VERSION } from './types.js';
import type { Offer, SignedOffer } from './types.js';

/** The canonical bytes of an offer (what gets signed). Throws OfferError for an invalid or oversized offer. */
export function encodeOffer(offer: Offer): Uint8Array {
  checkOffer(offer);
  const w = new ByteWriter();
  w.u8(offer.version).u8(OFFER_KINDS.indexOf(offer.kind)).fixed(solanaPublicKeyFromBase58(offer.host)).text(offer.peerId);
  w.u8(offer.addrs.length);
  for (const addr of offer.addrs) w.text(addr);

  const r = offer.resources;
  w.u16(r.cpuCores).text(r.cpuModel).u32(r.benchScore).u32(r.memoryMiB).u32(r.diskGiB);
  w.u8(r.gpus.length);
  for (const gpu of r.gpus) w.text(gpu.model).u32(gpu.memoryMiB).u16(gpu.count);
  w.u8(CPU_ARCHS.indexOf(r.arch));

  w.fixed(new TextEncoder().encode(offer.region.country)).text(offer.region.label);

  const unit = offer.price.lamportsPerHour;
  w.u64(unit.cpuCore).u64(unit.memoryGiB).u64(unit.diskGiB).u64(unit.gpu);
  w.u8(offer.price.plans.length);
  for (const p of offer.price.plans) {
    w.text(p.name).u16(p.cpuCores).u32(p.memoryMiB).u32(p.diskGiB).u16(p.gpus).u64(p.lamportsPerHour);
  }

  w.u32(offer.duration.minSecs).u32(offer.duration.maxSecs);
  w.u8(offer.images.length);
  for (const image of offer.images) w.text(image);

  w.u64(offer.stake).u64(offer.seq).u64Number(offer.issuedAt).u64Number(offer.expiresAt);
  const bytes = w.finish();
  if (bytes.length + SIGNATURE_LENGTH > OFFER_LIMITS.maxSignedBytes) {
    throw new OfferError('TOO_LARGE', `the signed offer would take ${bytes.length + SIGNATURE_LENGTH} bytes, the limit is ${OFFER_LIMITS.maxSignedBytes}: list fewer addrs, images or plans, or use image prefixes ("docker.io/library/*")`);
  }
  return bytes;
}

export function encodeSignedOffer(offer: Offer, signature: Uint8Array): Uint8Array {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) {
    throw new OfferError('MALFORMED', `an offer signature has ${SIGNATURE_LENGTH} bytes`);
  }
  const body = encodeOffer(offer);
  const bytes = new Uint8Array(body.length + SIGNATURE_LENGTH);
  bytes.set(body);
  bytes.set(signature, body.length);
  return bytes;
}

/** Parses and range-checks a signed offer without checking its signature (see verifyOffer). */
export function decodeSignedOffer(bytes: Uint8Array): SignedOffer {
  if (!(bytes instanceof Uint8Array)) throw new OfferError('MALFORMED', 'a signed offer must be a Uint8Array');
  if (bytes.length > OFFER_LIMITS.maxSignedBytes) {
    throw new OfferError('TOO_LARGE', `signed offer has ${bytes.length} bytes, the limit is ${OFFER_LIMITS.maxSignedBytes}`);
  }
  if (bytes.length === 0) throw new OfferError('MALFORMED', 'signed offer is empty');
  if (bytes[0] !== OFFER_VERSION) {
    throw new OfferError('BAD_VERSION', `offer version ${bytes[0]} is not supported (this SDK reads version ${OFFER_VERSION}); upgrade the SDK`);
  }
  if (bytes.length <= SIGNATURE_LENGTH) throw new OfferError('MALFORMED', `signed offer of ${bytes.length} bytes is truncated`);
  const copy = bytes.slice();
  let offer: Offer;
  try {
    const reader = new ByteReader(copy.subarray(0, copy.length - SIGNATURE_LENGTH));
    offer = readOffer(reader);
    reader.end();
  } catch (err) {
    if (err instanceof CodecError) throw new OfferError('MALFORMED', `signed offer: ${err.message}`);
    throw err;
  }
  checkOffer(offer);
  return { offer, signature: copy.slice(copy.length - SIGNATURE_LENGTH), bytes: copy };
}

function readOffer(r: ByteReader): Offer {
  const version = r.u8() as 1;
  const kind = r.oneOf(OFFER_KINDS, 'offer kind');
  const host = base58Encode(r.fixed(32));
  const peerId = r.text();
  const addrs = readList(r, () => r.text());
  const resources = {
    cpuCores: r.u16(),
    cpuModel: r.text(),
    benchScore: r.u32(),
    memoryMiB: r.u32(),
    diskGiB: r.u32(),
    gpus: readList(r, () => ({ model: r.text(), memoryMiB: r.u32(), count: r.u16() })),
    arch: r.oneOf(CPU_ARCHS, 'cpu arch'),
  };
  const region = { country: String.fromCharCode(r.u8(), r.u8()), label: r.text() };
  const price = {
    lamportsPerHour: { cpuCore: r.u64(), memoryGiB: r.u64(), diskGiB: r.u64(), gpu: r.u64() },
    plans: readList(r, () => ({
      name: r.text(),
      cpuCores: r.u16(),
      memoryMiB: r.u32(),
      diskGiB: r.u32(),
      gpus: r.u16(),
      lamportsPerHour: r.u64(),
    })),
  };
  const duration = { minSecs: r.u32(), maxSecs: r.u32() };
  const images = readList(r, () => r.text());
  return {
    version,
    kind,
    host,
    peerId,
    addrs,
    resources,
    region,
    price,
    duration,
    images,
    stake: r.u64(),
    seq: r.u64(),
    issuedAt: r.u64Number(),
    expiresAt: r.u64Number(),
  };
}

function readList<T>(r: ByteReader, readItem: () => T): T[] {
  const count = r.u8();
  const items: T[] = [];
  for (let i = 0; i < count; i++) items.push(readItem());
  return items;
}
