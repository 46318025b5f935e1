import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The collector serves the built files at `/` and answers unknown non-API paths with index.html,
// so assets are referenced from the root (a relative base would break on `/events/:id` reloads).
// In development, `/api` goes to a running collector (CAUSEWAY_URL, default the collector's port).
export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    proxy: { '/api': process.env.CAUSEWAY_URL ?? 'http://127.0.0.1:4318' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
