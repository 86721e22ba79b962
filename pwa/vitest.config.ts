import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

export default defineConfig({
  plugins: [preact()],
  define: { __APP_VERSION__: JSON.stringify('test') },
  // The push dictionary (src/net/push-dictionary.ts) is the server's own file, outside pwa/.
  server: { fs: { allow: ['.', '../sync/dictionaries'] } },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.{ts,tsx}'],
    setupFiles: ['tests/setup.ts'],
    // A loaded 2-core CI machine runs some WebCrypto-heavy tests past vitest's 5 s default.
    testTimeout: 30_000,
  },
});
