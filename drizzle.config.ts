import { defineConfig } from 'drizzle-kit'

// Tables are declared without a schema: the configured schema (GA_SCHEMA) comes first on the
// connection's search_path, so one set of migrations serves any schema name.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/**/table.ts',
  out: './drizzle'
})
