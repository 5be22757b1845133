import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The admin page is served by the runtime under /admin (runtime/admin-ui); it talks only to /admin/v1.
export default defineConfig({
  root: import.meta.dirname,
  base: '/admin/',
  plugins: [preact()],
  build: {
    target: 'es2022',
    sourcemap: false,
    // one small bundle; the page is a few screens
    chunkSizeWarningLimit: 300,
  },
});
