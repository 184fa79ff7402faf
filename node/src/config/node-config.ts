/**
 * The host node's configuration, as kept in `<dataDir>/config.json` and checked with zod.
 * Amounts are lamports (JSON strings or safe integers, so u64 values survive JSON); times
 * are milliseconds unless the name says seconds.
 */
import { isIP } from 'node:net';
import { PublicKey } from '@solana/web3.js';
import { z } from 'zod';
import { isCountryCode } from '@decloud/sdk/offers/countries';
import { DEFAULT_RESERVE } from '../capacity/sellable.js';
import { NETWORK_MODES } from '../runtime/config.js';

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const U32_MAX = 0xffff_ffff;
const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_IMAGES = ['decloud/busybox:local'];
/** Every interface, a fixed port: renters dial hosts directly (or through a relay when /p2p-circuit is added). */
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/4011'];
export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_STAKE_LAMPORTS = 1_000_000_000n;
export const DEFAULT_PRICES = { cpuCore: 10_000_000n, memoryGiB: 2_000_000n, diskGiB: 100_000n, gpu: 200_000_000n };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const lamports = z
  .union([z.string().regex(/^\d+$/, 'must be a whole number of lamports (digits only)'), z.number().int().min(0)], {
    error: 'must be a whole number of lamports (a string of digits or an integer)',
  })
  .transform((value) => BigInt(value))
  .refine((value) => value <= U64_MAX, 'must fit in a u64 (at most 18446744073709551615 lamports)');

const multiaddrText = z.string().regex(/^\/\S+$/, 'must be a multiaddr such as /ip4/0.0.0.0/tcp/4011');
const peerMultiaddr = multiaddrText.refine((text) => text.includes('/p2p/'), 'must end in /p2p/<peer id>: bootstrap peers are dialed by identity (copy the address decloud-bootstrap prints)');

const httpUrl = z.string().refine((text) => {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}, 'must be an http(s) URL such as http://127.0.0.1:8899 or https://api.devnet.solana.com');

const solanaAddress = z.string().refine((text) => {
  try {
    return new PublicKey(text).toBase58() === text;
  } catch {
    return false;
  }
}, 'must be a base58 Solana public key');

// The characters Docker allows in an image reference, plus a trailing `*` for a prefix.
const imagePattern = z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._/:@-]{0,126}\*?)$/, 'must be an image name like decloud/busybox:local, or a prefix ending in * (e.g. decloud/*)');

const wholeMs = (min: number, fallback: number) => z.number().int().min(min).default(fallback);

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

export const nodeConfigSchema = z.strictObject({
  rpcUrl: httpUrl.default('http://127.0.0.1:8899'),
  bootstrap: z.array(peerMultiaddr).max(16).default([]),
  listen: z.array(multiaddrText).min(1, 'needs at least one address to listen on').default(DEFAULT_LISTEN),
  /** Public addresses to publish instead of the listen addresses (port forwarding, a public IP). */
  announce: z.array(multiaddrText).max(16).default([]),
  /** Solana keypair file (JSON array of 64 numbers); relative paths are inside the data folder. */
  operatorKeyFile: z.string().min(1).default('operator-key.json'),
  /** Where payouts, rewards and the stake go; default the operator itself. */
  owner: solanaAddress.optional(),
  stakeLamports: lamports.default(DEFAULT_STAKE_LAMPORTS),
  region: z.strictObject({
    country: z.string().refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code in upper case, e.g. "DE" or "GB"'),
    label: z.string().refine((text) => utf8Bytes(text) <= 64, 'must be at most 64 bytes').default(''),
  }),
  /** Lamports per hour, per unit. */
  prices: z.strictObject({
    cpuCore: lamports.default(DEFAULT_PRICES.cpuCore),
    memoryGiB: lamports.default(DEFAULT_PRICES.memoryGiB),
    diskGiB: lamports.default(DEFAULT_PRICES.diskGiB),
    gpu: lamports.default(DEFAULT_PRICES.gpu),
  }).default(DEFAULT_PRICES),
  /** Never pulled: each must be on the host already (prefix entries are published as they are). */
  allowedImages: z.array(imagePattern).min(1, 'needs at least one image renters may run').max(64).default(DEFAULT_IMAGES),
  /** What stays with the machine (OS, Docker, the node). */
  reserve: z.strictObject({
    cpuCores: z.number().min(0).default(DEFAULT_RESERVE.cpuCores),
    memoryMiB: z.number().int().min(0).default(DEFAULT_RESERVE.memoryMiB),
    diskGiB: z.number().int().min(0).default(DEFAULT_RESERVE.diskGiB),
  }).default({ ...DEFAULT_RESERVE }),
  limits: z.strictObject({
    minLeaseSecs: z.number().int().min(1).max(U32_MAX).default(60),
    maxLeaseSecs: z.number().int().min(1).max(U32_MAX).default(7 * 24 * 3600),
  }).default({ minLeaseSecs: 60, maxLeaseSecs: 7 * 24 * 3600 })
    .refine((l) => l.maxLeaseSecs >= l.minLeaseSecs, { message: 'maxLeaseSecs must be at least minLeaseSecs', path: ['maxLeaseSecs'] }),
  networkMode: z.enum(NETWORK_MODES).default('none'),
  /** unix:///var/run/docker.sock or tcp://host:port; default $DOCKER_HOST, else the standard socket. */
  dockerHost: z.string().regex(/^(unix|tcp):\/\/\S+$/, 'must look like unix:///var/run/docker.sock or tcp://127.0.0.1:2375').optional(),
  /** WebRTC transports (browsers reach the host through them). */
  webrtc: z.boolean().default(true),
  /** /metrics, /health and /leases over HTTP; 127.0.0.1 keeps them on this machine. Port 0 picks a free one. */
  metrics: z.strictObject({
    host: z.string().refine((text) => isIP(text) !== 0, 'must be an IP address such as 127.0.0.1').default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(DEFAULT_METRICS_PORT),
  }).default({ host: '127.0.0.1', port: DEFAULT_METRICS_PORT }),
  intervals: z.strictObject({
    offerRepublishMs: wholeMs(1000, 60_000),
    /** How long one signed offer is valid; longer than the republish period, at most a day. */
    offerTtlMs: z.number().int().min(2000).max(DAY_MS).default(60 * 60_000),
    leaseTickMs: wholeMs(100, 5000),
    receiptFlushMs: wholeMs(100, 10_000),
    settleMs: wholeMs(100, 60_000),
    claimRewardsMs: wholeMs(100, 600_000),
  }).default({ offerRepublishMs: 60_000, offerTtlMs: 60 * 60_000, leaseTickMs: 5000, receiptFlushMs: 10_000, settleMs: 60_000, claimRewardsMs: 600_000 })
    .refine((i) => i.offerTtlMs > i.offerRepublishMs, { message: 'offerTtlMs must be longer than offerRepublishMs, or offers expire between publications', path: ['offerTtlMs'] }),
  logLevel: z.enum(LOG_LEVELS).default('info'),
});

/** The file's shape as written (amounts may be strings). */
export type NodeConfigInput = z.input<typeof nodeConfigSchema>;
/** The checked config, defaults filled in, amounts as bigint. */
export type NodeConfig = z.output<typeof nodeConfigSchema>;

/** A checked config together with where it lives. */
export interface ResolvedConfig extends NodeConfig {
  dataDir: string;
  configFile: string;
  /** Absolute path of the operator keypair file. */
  operatorKeyPath: string;
}
