import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';
import { sharedSourceAliases } from './build/aliases.js';

/** Builds the browser client from client/ into client/dist, which the server serves. */
export default defineConfig({
  root: 'client',
  // Assets are compressed once at build time (brotli and gzip files beside each asset), so the
  // server sends them compressed without compressing per request.
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'], exclude: [/\.map$/] })],
  resolve: { alias: sharedSourceAliases() },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    // `npx vite` serves the client with hot reload against a server started on port 3000.
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
