/** A real 1×1 JPEG, as small as they come. */
const PIXEL_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

/**
 * A phone's photo: a JPEG, by default with an EXIF segment carrying a GPS position and the phone's
 * serial number, as cameras write them. `variant` changes the bytes (a different photo).
 */
export function photo(options: { exif?: boolean; variant?: number } = {}): Buffer {
  const { exif = true, variant = 0 } = options;
  const comment = Buffer.from(`photo ${variant}`);
  const com = Buffer.concat([Buffer.from([0xff, 0xfe]), u16(comment.length + 2), comment]);
  const payload = Buffer.from('Exif\0\0GPSLatitude=35.2712;GPSLongitude=113.3198;BodySerialNumber=PHONE-4471', 'latin1');
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), u16(payload.length + 2), payload]);
  // Keep the variant out of the metadata that is stripped, or two variants would store as one file.
  const dqtAt = PIXEL_JPEG.indexOf(Buffer.from([0xff, 0xdb]));
  const marked = Buffer.concat([PIXEL_JPEG.subarray(0, dqtAt), Buffer.from([0xff, 0xdd, 0x00, 0x04]), u16(variant), PIXEL_JPEG.subarray(dqtAt)]);
  return Buffer.concat([marked.subarray(0, 2), ...(exif ? [app1, com] : []), marked.subarray(2)]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** Uploads bytes as a signed-in caller; returns the raw answer. */
export function upload(server: { app: { inject: (o: object) => Promise<{ statusCode: number; json(): { ref: string }; body: string }> } }, token: string, bytes: Buffer, type = 'image/jpeg') {
  return server.app.inject({ method: 'POST', url: '/api/files', payload: bytes, headers: { authorization: `Bearer ${token}`, 'content-type': type } });
}
