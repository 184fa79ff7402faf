/**
 * Size limits of the access protocols. Every frame is read with a length cap of the
 * largest message its reader may receive, so a peer can never make the other buffer more
 * than these bounds; a larger frame is refused before its body is read.
 */
const KIB = 1024;
const MIB = 1024 * KIB;

export const ACCESS_LIMITS = {
  /** Fresh random bytes the host sends first on every authenticated stream. */
  challengeBytes: 32,
  /** One request (command, environment, ...) carried in the auth frame. */
  maxRequestBytes: 64 * KIB,
  /** Command words of an exec or shell. */
  maxArgs: 1024,
  /** Environment variables of an exec or shell. */
  maxEnvVars: 256,
  /** Reason text of a refusal. */
  maxRefusalMessageBytes: 512,
  /** Container and image names in access details. */
  maxNameBytes: 256,
  /** Payload of one data frame (terminal input/output, log output). */
  maxChunkBytes: 64 * KIB,
  /** stdout and stderr of one exec, each; more is cut and flagged `truncated`. */
  maxExecOutputBytes: 1 * MIB,
  /** Terminal columns and rows. */
  maxTerminalSide: 1000,
  /** Log lines a tail may ask for. */
  maxTail: 100_000,
} as const;

/**
 * Unread bytes a data stream (shell, logs) may hold. A paused stream keeps what its muxer
 * let through (yamux resets a stream holding more than 4 MiB) and hands it over in one go
 * when it resumes, so a reader that pauses must take that much at once.
 */
export const DATA_STREAM_BUFFER_BYTES = 4 * MIB + 128 * KIB;

/** Every frame starts with a tag byte and a version byte. */
export const FRAME_HEADER_BYTES = 2;
const PUBLIC_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

/** The largest encoding of each message, header included. */
export const MAX_MESSAGE_BYTES = {
  challenge: FRAME_HEADER_BYTES + ACCESS_LIMITS.challengeBytes,
  auth: FRAME_HEADER_BYTES + PUBLIC_KEY_BYTES + SIGNATURE_BYTES + ACCESS_LIMITS.maxRequestBytes,
  refusal: FRAME_HEADER_BYTES + 1 + 2 + ACCESS_LIMITS.maxRefusalMessageBytes,
  openRequest: FRAME_HEADER_BYTES,
  accessDetails: FRAME_HEADER_BYTES + 2 * PUBLIC_KEY_BYTES + 2 * (2 + ACCESS_LIMITS.maxNameBytes) + 8,
  execRequest: ACCESS_LIMITS.maxRequestBytes,
  execResult: FRAME_HEADER_BYTES + 4 + 1 + 2 * (4 + ACCESS_LIMITS.maxExecOutputBytes),
  shellRequest: ACCESS_LIMITS.maxRequestBytes,
  logsRequest: FRAME_HEADER_BYTES + 1 + 1 + 4,
  statsRequest: FRAME_HEADER_BYTES,
  leaseStats: FRAME_HEADER_BYTES + 4 + 8 * 11 + 4,
  accepted: FRAME_HEADER_BYTES,
  data: FRAME_HEADER_BYTES + ACCESS_LIMITS.maxChunkBytes,
  resize: FRAME_HEADER_BYTES + 4,
  exit: FRAME_HEADER_BYTES + 1 + 4,
  end: FRAME_HEADER_BYTES,
  receipt: FRAME_HEADER_BYTES + PUBLIC_KEY_BYTES + 8 + SIGNATURE_BYTES,
  receiptOutcome: FRAME_HEADER_BYTES + 1,
} as const;

export type AccessMessageKind = keyof typeof MAX_MESSAGE_BYTES;

/** The length cap for a reader that may receive any of `kinds`. */
export function maxFrameBytes(...kinds: AccessMessageKind[]): number {
  return Math.max(...kinds.map((kind) => MAX_MESSAGE_BYTES[kind]));
}

/** The largest auth frame carrying a request of `request` kind: what a host reads first. */
export function maxAuthFrameBytes(request: AccessMessageKind): number {
  return FRAME_HEADER_BYTES + PUBLIC_KEY_BYTES + SIGNATURE_BYTES + MAX_MESSAGE_BYTES[request];
}
