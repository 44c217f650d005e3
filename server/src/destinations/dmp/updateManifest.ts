// The manifest of one job in one directory: which batch files it wrote, with their operation and
// record count, so a DMP loader knows what a complete drop looks like. Rewritten atomically; updates
// within this process are serialised per manifest (the destination's concurrency keeps workers of
// other processes to one at a time by default).
import { readFile } from 'node:fs/promises';
import { writeFileAtomically } from './writeFileAtomically.ts';

export interface ManifestFile {
  file: string;
  operation: 'ADD' | 'REMOVE' | 'CONVERSION';
  records: number;
  idempotencyKey: string;
  writtenAt: string;
}

export interface Manifest {
  syncJobId: number | null;
  audience: string;
  format: string;
  updatedAt: string;
  files: ManifestFile[];
  /** records per operation over all files */
  totals: Record<string, number>;
}

const queues = new Map<string, Promise<unknown>>();

export function updateManifest(
  manifestPath: string,
  base: Omit<Manifest, 'files' | 'totals' | 'updatedAt'>,
  entry: ManifestFile,
): Promise<Manifest> {
  const previous = queues.get(manifestPath) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(() => write(manifestPath, base, entry));
  queues.set(manifestPath, next);
  void next
    .finally(() => {
      if (queues.get(manifestPath) === next) queues.delete(manifestPath);
    })
    .catch(() => {});
  return next;
}

async function write(manifestPath: string, base: Omit<Manifest, 'files' | 'totals' | 'updatedAt'>, entry: ManifestFile): Promise<Manifest> {
  let files: ManifestFile[] = [];
  try {
    const existing = JSON.parse(await readFile(manifestPath, 'utf8')) as Partial<Manifest>;
    if (Array.isArray(existing.files)) files = existing.files;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  // a resent batch keeps its first entry
  if (!files.some((f) => f.file === entry.file)) files.push(entry);
  const totals: Record<string, number> = {};
  for (const f of files) totals[f.operation] = (totals[f.operation] ?? 0) + f.records;
  const manifest: Manifest = { ...base, updatedAt: new Date().toISOString(), files, totals };
  await writeFileAtomically(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
