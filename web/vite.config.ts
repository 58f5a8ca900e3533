// Vite builds the dashboard into web/dist; the server serves it at /dashboard and /super
// (src/platform/web-app.ts). `npm run build:web` runs this through scripts/build-web.mjs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: path.dirname(fileURLToPath(import.meta.url)),
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every browser that runs ES2022 supports modulepreload; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    // Kept out of the served bundle: source maps would be public and are not needed to run.
    sourcemap: false,
    reportCompressedSize: false,
  },
  // `npx vite web` during development: the API stays on the real server.
  server: { proxy: { '/api': process.env.ORGSTACK_URL ?? 'http://localhost:3000' } },
});
