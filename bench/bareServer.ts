// The benchmark's baseline: a bare Fastify 5 app with one JSON route and nothing else (no logger,
// no hooks, no schema), run in its own process by bench/run.ts. Every figure the benchmark prints
// is a ratio to this route measured in the same run, so the machine's speed divides out.
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const app = Fastify();
app.get('/bare', async () => ({ status: 'ok' }));

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
