import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseCallers, makeCaseWorld, type CaseWorld } from '../../support/cases.ts';
import { DATABASES } from '../../support/databases.ts';
import { photo, upload } from '../../support/files.ts';
import { signIn, startTestServer, type TestServer } from '../../support/server.ts';

/** Photos from phones: stored once by content, without the camera's metadata, attached to cases. */
describe.each(DATABASES)('photos on %s', (kind) => {
  let server: TestServer;
  let world: CaseWorld;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { FILES_MAX_BYTES: '4096' });
    world = await makeCaseWorld(server.platform);
    token = await signIn(server, world.users.worker.username);
  });
  afterAll(() => server?.dispose());

  it('a JPEG is stored by its content, its EXIF (GPS position, serial number) removed', async () => {
    const answer = await upload(server, token, photo());
    expect(answer.statusCode, answer.body).toBe(201);
    const { ref, url } = answer.json() as unknown as { ref: string; url: string };
    expect(ref).toMatch(/^[0-9a-f]{64}\.jpg$/);
    const stored = await server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect(stored.statusCode).toBe(200);
    expect(stored.headers['content-type']).toBe('image/jpeg');
    const bytes = stored.rawPayload;
    expect(bytes.includes(Buffer.from('GPSLatitude'))).toBe(false);
    expect(bytes.includes(Buffer.from('PHONE-4471'))).toBe(false);
    expect(bytes.equals(photo({ exif: false }))).toBe(true); // the image itself is untouched
    expect(existsSync(join(server.scratch.dataDir, 'files', ref.slice(0, 2), ref.slice(2, 4), ref))).toBe(true);
    // The same photo again (even with other metadata) is the same file.
    expect((await upload(server, token, photo({ exif: false }))).json().ref).toBe(ref);
    expect((await upload(server, token, photo({ variant: 1 }))).json().ref).not.toBe(ref);
  });

  it('refuses what is not a photo, or too big, or nothing', async () => {
    const text = await upload(server, token, Buffer.from('<svg onload=alert(1)>'), 'image/jpeg');
    expect([text.statusCode, text.json()]).toEqual([415, expect.objectContaining({ error: expect.objectContaining({ code: 'files.unsupported_type' }) })]);
    expect((await upload(server, token, Buffer.alloc(0), 'image/png')).statusCode).toBe(400);
    expect((await upload(server, token, Buffer.concat([photo(), Buffer.alloc(5000)]))).statusCode).toBe(413);
    const missing = await server.app.inject({ method: 'GET', url: `/api/files/${'0'.repeat(64)}.jpg`, headers: { authorization: `Bearer ${token}` } });
    expect(missing.statusCode).toBe(404);
    const odd = await server.app.inject({ method: 'GET', url: '/api/files/..%2F..%2Fsecrets%2Fpii.key', headers: { authorization: `Bearer ${token}` } });
    expect(odd.statusCode).toBe(404);
  });

  it('a case takes uploaded photos only', async () => {
    const callers = await caseCallers(server, world);
    const { ref } = (await upload(server, token, photo({ variant: 7 }))).json();
    const report = await callers.report('worker', { attachments: [ref] });
    const kase = (await callers.call('admin')('GET', `/api/cases/${report.id}`)).json();
    expect(kase.attachments).toEqual([ref]);
    const bogus = await callers.call('worker')('POST', '/api/cases', {
      categoryCode: '0101',
      description: '附件不存在',
      areaCode: world.codes.homeMicrogrid,
      attachments: [`${'a'.repeat(64)}.jpg`],
    });
    expect([bogus.statusCode, bogus.json().error.code]).toEqual([422, 'case.unknown_attachment']);
    const named = await callers.call('worker')('POST', '/api/cases', { categoryCode: '0101', description: '文件名', areaCode: world.codes.homeMicrogrid, attachments: ['IMG_0001.jpg'] });
    expect(named.statusCode).toBe(400);
  });
});
