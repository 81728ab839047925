/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The bundle is static: served by capacity-server (same origin) or from any static host,
// calling the API at VITE_API_URL (see src/api/client.ts). VITE_BASE sets the public path
// when the bundle is not hosted at the root of its origin.
export default defineConfig({
  base: process.env.VITE_BASE ?? '/',
  plugins: [react()],
  build: {
    target: 'es2022',
    // The manifest lets scripts/size.mjs follow the chunk graph of the first view.
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 300,
  },
  server: {
    // `npm run dev` proxies the API to a local capacity-server (scripts/demo or --demo).
    proxy: { '/api': process.env.API_PROXY_TARGET ?? 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
