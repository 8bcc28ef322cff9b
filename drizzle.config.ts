import { defineConfig } from 'drizzle-kit'

// `npm run db:generate` writes a migration for each schema change; the server applies them on first use.
export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/db/schema.ts',
  out: './lib/db/migrations',
})
