import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: './schema/src/tables/index.ts',
  out: './schema/migrations',
  casing: 'snake_case',
})
