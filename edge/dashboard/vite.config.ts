import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The dashboard: built into dist/dashboard, served by the edge (Node) and by Workers assets.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // noVNC uses top-level await, which needs ES2022.
  build: { outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
})
