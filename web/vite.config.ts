import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web app is built into web/dist and served by the API server from the same origin. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
