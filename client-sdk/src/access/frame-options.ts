/**
 * How both sides cut a stream into frames: an unsigned varint length prefix, then the
 * frame. The prefix may be at most as long as the largest allowed length needs, checked
 * byte by byte: lpStream's own decoder waits for a varint to complete, so a peer sending
 * endless continuation bytes would hold the reader until its deadline instead of being
 * refused at once.
 */
import type { LengthPrefixedStreamOpts } from '@libp2p/utils';

/** The length prefix is longer than any allowed frame needs. */
export class FrameLengthError extends Error {
  override readonly name = 'FrameLengthError';
}

export function frameOptions(maxDataLength: number, maxBufferSize: number): Partial<LengthPrefixedStreamOpts> {
  const maxLengthLength = varintBytes(maxDataLength);
  return { maxDataLength, maxLengthLength, maxBufferSize, lengthDecoder: lengthDecoder(maxLengthLength) };
}

function varintBytes(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    bytes += 1;
  }
  return bytes;
}

/** Unsigned LEB128; a RangeError asks lpStream for one more byte. */
function lengthDecoder(maxLengthLength: number): (data: { byteLength: number; get(index: number): number }) => number {
  return (data) => {
    let value = 0;
    for (let i = 0; i < data.byteLength; i++) {
      const byte = data.get(i);
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) return value;
      if (i + 1 >= maxLengthLength) throw new FrameLengthError(`frame length prefix longer than ${maxLengthLength} bytes: no allowed frame is that large`);
    }
    throw new RangeError('the length prefix continues');
  };
}
