import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Chunks whose file name starts with OFFICER_CHUNK_PREFIX are officer-only: never precached, never
// loaded by the volunteer entry (scripts/precache-check.mjs verifies the built precache).
import { OFFICER_CHUNK_PREFIX } from './scripts/precache-lib.mjs';
export { OFFICER_CHUNK_PREFIX };

// The backend serves dist/ at "/" with an SPA fallback; the API lives on the same origin under /api.
// During `npm run dev` the API is proxied to a locally running backend.
const apiTarget = process.env.LANGSO_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  base: '/',
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
  },
  plugins: [
    preact(),
    VitePWA({
      // 'prompt', not autoUpdate: a new version only takes over when the user taps "Cập nhật", so a
      // half-filled form is never reloaded away. IndexedDB is untouched by service-worker updates
      // either way (Workbox only manages Cache Storage); schema changes go through Dexie versions.
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Làng Số',
        short_name: 'Làng Số',
        description: 'Hỗ trợ tình nguyện viên thôn lập hồ sơ hành chính, hoạt động không cần mạng.',
        lang: 'vi',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0f5132',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The plugin adds manifest.webmanifest and the manifest icons itself.
        globPatterns: ['**/*.{js,css,html,svg,wasm}'],
        // Officer console is fetched on demand by officers (online); volunteers never need it offline.
        globIgnores: [`**/assets/${OFFICER_CHUNK_PREFIX}*`, '**/.vite/**'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/verify/, /^\/v$/, /^\/v\//, /^\/tra-cuu/, /^\/\.well-known\//, /^\/schema/, /^\/health/],
        cleanupOutdatedCaches: true,
        // The first install claims the open page, so the session that logged in is served from the
        // precache at once (no reload before going offline: the lazy wizard chunk would otherwise
        // be fetched from the network). clients.claim() only adopts pages that have NO controller:
        // an update never activates on its own (no skipWaiting) — it waits in "waiting" until the
        // volunteer taps "Cập nhật ngay" (src/pwa.ts), so in practice only the first install claims.
        clientsClaim: true,
        skipWaiting: false,
        // No runtimeCaching: the UI reads only the local store; the sync loop talks to /api directly.
        runtimeCaching: [],
        // Web Push handlers (push, notificationclick, pushsubscriptionchange): a classic script in
        // public/, copied to dist/ and precached by the glob above. See public/push-handler.js.
        importScripts: ['push-handler.js'],
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The manifest lets scripts/budget.mjs follow the entry's static import graph.
    manifest: true,
    rolldownOptions: {
      output: {
        // What the first screen needs goes into one chunk: many small initial chunks cost bytes
        // (each gzipped alone) and round trips on a slow link (scripts/budget.mjs).
        codeSplitting: { groups: [{ name: 'app', tags: ['$initial'] }] },
        chunkFileNames: (chunk) =>
          chunk.facadeModuleId?.replace(/\\/g, '/').includes('/src/officer/')
            ? `assets/${OFFICER_CHUNK_PREFIX}[hash].js`
            : 'assets/[name]-[hash].js',
      },
    },
  },
  server: {
    // Dev-only demo seeding (src/dev/seed.ts) reads the catalogue examples from the backend; the
    // push dictionary (src/net/push-dictionary.ts) is the server's own file.
    fs: { allow: ['.', '../backend/catalog/procedures', '../sync/dictionaries'] },
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
});
