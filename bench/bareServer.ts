// The benchmark's baseline: a bare Fastify 5 app with one JSON route (and its POST twin) and nothing
// else (no logger, no hooks, no schema), run in its own process by bench/run.ts and the others. Every
// figure the benchmark prints is a ratio to this route measured in the same run, so the machine's
// speed divides out.
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const app = Fastify();
app.get('/bare', async () => ({ status: 'ok' }));
// The baseline of a write (bench/cases.ts): Fastify parses a JSON body like a case report's and
// answers 201 with it and an id, with no validation, storage or serialisation schema.
let created = 0;
app.post('/bare', async (request, reply) => reply.code(201).send({ id: ++created, ...(request.body as Record<string, unknown>) }));

const address = await app.listen({ port, host });
process.stdout.write(`${JSON.stringify({ listening: address })}\n`);

const stop = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
