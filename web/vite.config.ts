import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Two pages from one build: the console at `/` and the worker H5 at `/m`. Assets live under the
 * absolute `/assets/`, so both pages load them whatever their own path. The Fastify server serves
 * web/dist and answers client-side routes with the right index.html; `vite` (dev) does the same
 * below and forwards /api to a running server.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), mobileFallback()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: { console: `${root}index.html`, mobile: `${root}m/index.html` },
    },
  },
  server: {
    proxy: { '/api': process.env.WANGGE_API ?? 'http://127.0.0.1:3000' },
  },
});

/** Dev server only: /m and /m/anything-without-a-dot get the worker page, like the real server. */
function mobileFallback(): Plugin {
  return {
    name: 'wangge-mobile-fallback',
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        const path = request.url?.split('?')[0] ?? '';
        if (path === '/m' || (path.startsWith('/m/') && !path.includes('.'))) request.url = '/m/index.html';
        next();
      });
    },
  };
}
