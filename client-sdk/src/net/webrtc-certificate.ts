/**
 * Node-only: the TLS certificate of the WebRTC-Direct listener, kept in a file. Browsers
 * dial WebRTC-Direct by the certificate's hash (`/certhash/...` in the multiaddr), so a new
 * certificate on each restart would break every published bootstrap address.
 */
import 'reflect-metadata';
import { BasicConstraintsExtension, X509Certificate, X509CertificateGenerator } from '@peculiar/x509';
import { base64url } from 'multiformats/bases/base64';
import { sha256 } from 'multiformats/hashes/sha2';
import { NetError } from './net-error.js';
import { readIfExists, writeAtomically } from './identity-file.js';

/** The shape `@libp2p/webrtc`'s `webRTCDirect({ certificate })` takes. */
export interface WebRTCCertificate {
  privateKey: string;
  pem: string;
  certhash: string;
}

const DAY_MS = 86_400_000;
/** Browsers accept WebRTC certificates valid for at most 30 days... */
export const CERTIFICATE_LIFETIME_MS = 30 * DAY_MS;
/** ...so one with less than a week left is replaced at start. */
export const CERTIFICATE_RENEWAL_MS = 7 * DAY_MS;

/** Reads the certificate in `file`, or creates (and stores) a new one when missing or about to expire. */
export async function loadOrCreateWebRTCCertificate(file: string, now = Date.now()): Promise<WebRTCCertificate> {
  const stored = await readIfExists(file);
  if (stored !== undefined) {
    const certificate = parseCertificateFile(file, stored);
    if (certificateExpiry(certificate) - CERTIFICATE_RENEWAL_MS > now) return certificate;
  }
  const fresh = await generateWebRTCCertificate(now);
  await writeAtomically(file, JSON.stringify(fresh, null, 2));
  return fresh;
}

export function certificateExpiry(certificate: WebRTCCertificate): number {
  return new X509Certificate(certificate.pem).notAfter.getTime();
}

/** A self-signed ECDSA P-256 certificate (the only curve all WebRTC stacks accept). */
export async function generateWebRTCCertificate(now = Date.now()): Promise<WebRTCCertificate> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const notBefore = new Date(Math.floor(now / 1000) * 1000);
  const certificate = await X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=decloud',
    notBefore,
    notAfter: new Date(notBefore.getTime() + CERTIFICATE_LIFETIME_MS),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys,
    extensions: [new BasicConstraintsExtension(false, undefined, true)],
  }, crypto); // the platform WebCrypto that made the keys, not x509's default provider
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    privateKey: toPem('PRIVATE KEY', pkcs8),
    pem: certificate.toString('pem'),
    certhash: base64url.encode((await sha256.digest(new Uint8Array(certificate.rawData))).bytes),
  };
}

function parseCertificateFile(file: string, bytes: Uint8Array): WebRTCCertificate {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<WebRTCCertificate>;
    if (typeof parsed.privateKey !== 'string' || typeof parsed.pem !== 'string' || typeof parsed.certhash !== 'string') {
      throw new Error('expected a JSON object with string fields privateKey, pem and certhash');
    }
    return { privateKey: parsed.privateKey, pem: parsed.pem, certhash: parsed.certhash };
  } catch (err) {
    throw new NetError('CERTIFICATE_FILE', `${file} is not a WebRTC certificate file (${(err as Error).message}); delete it to generate a new certificate`, { cause: err });
  }
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // a positive DER integer
  return Buffer.from(bytes).toString('hex');
}

function toPem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join('\n');
}
