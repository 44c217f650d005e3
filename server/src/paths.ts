import path from 'node:path';

/** The repository's root: `.data/`, `prisma/` and the built dashboard are found from here. */
export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const migrationsDir = path.join(repoRoot, 'prisma/migrations');
export const webBuildDir = path.join(repoRoot, 'web/build');
