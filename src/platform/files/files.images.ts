/**
 * The images the platform accepts (a phone's photo of a problem), recognised by their first bytes,
 * never by what the client claims.
 */
export const IMAGE_KINDS = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
} as const;
export type ImageExtension = keyof typeof IMAGE_KINDS;

export function imageKindOf(bytes: Buffer): ImageExtension | null {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length > 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

/**
 * A JPEG without its metadata segments (APP1-APP15: EXIF with the phone's GPS position and serial
 * number, XMP; COM comments). A photo of a broken pipe taken at someone's door must not carry where
 * that door is, or which phone took it, to everyone who opens the case. Image data is untouched.
 * Anything that does not parse as a JPEG is returned as it came (and then refused by the caller).
 */
export function withoutJpegMetadata(bytes: Buffer): Buffer {
  if (imageKindOf(bytes) !== 'jpg') return bytes;
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return bytes;
    const marker = bytes[at + 1];
    if (marker === 0xda) {
      kept.push(bytes.subarray(at)); // start of scan: the rest is image data
      return Buffer.concat(kept);
    }
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) return bytes;
    const metadata = (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe;
    if (!metadata) kept.push(bytes.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return bytes;
}
