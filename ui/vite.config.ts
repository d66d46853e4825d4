import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// The bundle is embedded into the Tauri binary (frontendDist = ../ui/dist) and served
// from a custom protocol, so relative asset URLs keep it independent of the origin.
export default defineConfig({
  base: './',
  plugins: [vue()],
  define: {
    // vue-i18n: Composition API only, no devtools hooks in the shipped bundle.
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  resolve: {
    alias: { '@': '/src' },
  },
  clearScreen: false,
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Old Android WebViews on cheap phones: stay at the Tauri 2 mobile baseline.
    target: ['es2021', 'chrome100', 'safari15'],
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/__tests__/*.spec.ts'],
    mockReset: true,
    restoreMocks: true,
    // Vant's per-component style entries import CSS, which only Vite (not Node) can load.
    server: { deps: { inline: ['vant'] } },
  },
})
