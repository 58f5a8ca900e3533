import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` turns schema changes into a new SQL migration under migrations/.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
});
