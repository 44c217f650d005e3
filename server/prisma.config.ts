// Prisma CLI config: the schema lives in the repository's top-level prisma/ folder. engine "js" keeps
// the CLI from downloading native engines (no CDN is reachable); queries run through @prisma/adapter-pg.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from 'adapter-pg7';

export default defineConfig({
  schema: path.join(import.meta.dirname, '../prisma/schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, '../prisma/migrations') },
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' }),
});
