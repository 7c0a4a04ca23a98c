import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { IMAGE_KINDS, imageKindOf, withoutJpegMetadata } from '../../platform/files/files.images.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { ApiApp } from '../../platform/module.ts';
import { parseFileRef } from './files.refs.ts';

const tags = ['files'];
const UPLOAD_TYPES = [...Object.values(IMAGE_KINDS), 'application/octet-stream'];

export function filesRoutes(app: ApiApp, platform: Platform): void {
  // Its own encapsulation context, so the raw-body parsers apply to these routes only.
  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    const limit = platform.config.filesMaxBytes;
    for (const type of UPLOAD_TYPES) {
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: limit }, (_request, body, done) => done(null, body));
    }

    scope.post(
      '/api/files',
      {
        bodyLimit: limit,
        config: { scopeProbe: { kind: 'self' } },
        schema: {
          tags,
          summary: 'Upload a photo (JPEG, PNG or WebP; JPEG metadata such as the GPS position is removed); returns its reference',
          response: { 201: z.object({ ref: z.string(), url: z.string(), size: z.number().int(), contentType: z.string() }) },
        },
      },
      async (request, reply) => {
        authorize(request.actor!, 'files.upload');
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError(400, 'files.empty', 'Send the image as the request body.');
        const kind = imageKindOf(body);
        if (!kind) throw new AppError(415, 'files.unsupported_type', 'Only JPEG, PNG and WebP images are accepted.');
        const bytes = kind === 'jpg' ? withoutJpegMetadata(body) : body;
        const id = await platform.files.put(bytes, kind);
        const ref = `${id}.${kind}`;
        return reply.code(201).send({ ref, url: `/api/files/${ref}`, size: bytes.length, contentType: IMAGE_KINDS[kind] });
      },
    );

    scope.get(
      '/api/files/:ref',
      {
        config: {
          scopeProbe: { kind: 'unscoped', reason: 'content-addressed: a reference is the SHA-256 of the bytes, so knowing it means having the file' },
        },
        schema: { tags, summary: 'A stored photo', params: z.strictObject({ ref: z.string().max(80) }) },
      },
      async (request, reply) => {
        authorize(request.actor!, 'files.read');
        const parsed = parseFileRef(request.params.ref);
        const bytes = parsed && (await platform.files.get(parsed.id, parsed.extension));
        if (!parsed || !bytes) throw notFound('file', request.params.ref);
        return reply
          .header('content-type', IMAGE_KINDS[parsed.extension])
          .header('cache-control', 'private, max-age=31536000, immutable')
          .send(bytes);
      },
    );
  });
}
