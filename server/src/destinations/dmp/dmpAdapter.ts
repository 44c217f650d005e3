// DMP (api-shapes.md "DMP"): no HTTP. Each batch becomes one gzipped NDJSON (or CSV) file in the
// audience's directory, `{audience}/{jobId}-{seq}.{format}.gz`, written atomically, with a manifest
// per job beside it. The file name comes from the idempotency key, so a resent batch finds its file
// already there and is not written twice.
import { createHash } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DeliveryError } from '../deliveryError.ts';
import type { AdapterContext, BatchResult, DestinationAdapter } from '../adapter.ts';
import type { MetaSchemaField } from '../hashing/index.ts';
import { encodeConversions, encodeMembers, type DmpFormat } from './encodeRecords.ts';
import { mapFilesystemError } from './mapFilesystemError.ts';
import { SAFE_DIRECTORY_NAME, safeDirectoryName } from './safeDirectoryName.ts';
import { updateManifest, type ManifestFile } from './updateManifest.ts';
import { writeFileAtomically } from './writeFileAtomically.ts';

export const CONVERSIONS_DIRECTORY = 'conversions';

export const dmpAdapter: DestinationAdapter = {
  // one file per batch; files in one directory are written one at a time (see updateManifest.ts)
  defaults: { batchSize: 10_000, requestsPerSecond: 100, concurrency: 1 },

  async ensureAudience(ctx, audience) {
    const name =
      audience.externalId && SAFE_DIRECTORY_NAME.test(audience.externalId) ? audience.externalId : safeDirectoryName(audience.name);
    try {
      await mkdir(path.join(rootOf(ctx), name), { recursive: true });
    } catch (error) {
      throw mapFilesystemError(error, `creating the audience directory ${name}`);
    }
    return name;
  },

  async sendMembers(ctx, batch) {
    // the external id was made by ensureAudience; anything else is never used as a path
    const directory = SAFE_DIRECTORY_NAME.test(batch.audience.externalId)
      ? batch.audience.externalId
      : safeDirectoryName(batch.audience.name);
    const body = encodeMembers(batch.records, formatOf(ctx), fieldsOf(ctx));
    return writeBatch(ctx, {
      directory,
      audience: batch.audience.name,
      operation: batch.operation,
      body,
      records: batch.records.length,
      idempotencyKey: batch.idempotencyKey,
    });
  },

  async sendConversions(ctx, batch) {
    const body = encodeConversions(batch.records, formatOf(ctx), fieldsOf(ctx));
    return writeBatch(ctx, {
      directory: CONVERSIONS_DIRECTORY,
      audience: CONVERSIONS_DIRECTORY,
      operation: 'CONVERSION',
      body,
      records: batch.records.length,
      idempotencyKey: batch.idempotencyKey,
    });
  },
};

function rootOf(ctx: AdapterContext): string {
  const directory = ctx.destination.settings.directory;
  if (typeof directory !== 'string' || directory === '')
    throw new DeliveryError('permanent', 'the DMP destination has no directory setting');
  return path.resolve(directory);
}

function formatOf(ctx: AdapterContext): DmpFormat {
  return ctx.destination.settings.format === 'csv' ? 'csv' : 'ndjson';
}

function fieldsOf(ctx: AdapterContext): readonly MetaSchemaField[] | undefined {
  return ctx.destination.settings.fields as MetaSchemaField[] | undefined;
}

/** `paidsync-12-0-500` → `12-0-500`: readable, and the same for every resend of those records */
export function sequenceOf(idempotencyKey: string): string {
  const readable = idempotencyKey.replace(/^paidsync-/, '');
  return /^[A-Za-z0-9-]{1,64}$/.test(readable) ? readable : createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16);
}

async function writeBatch(
  ctx: AdapterContext,
  batch: {
    directory: string;
    audience: string;
    operation: ManifestFile['operation'];
    body: string;
    records: number;
    idempotencyKey: string;
  },
): Promise<BatchResult> {
  const format = formatOf(ctx);
  const jobId = ctx.syncJobId ?? 'adhoc';
  const directory = path.join(rootOf(ctx), batch.directory);
  const fileName = `${jobId}-${sequenceOf(batch.idempotencyKey)}.${format}.gz`;
  const file = path.join(directory, fileName);
  try {
    await mkdir(directory, { recursive: true });
    if (!(await exists(file))) await writeFileAtomically(file, gzipSync(batch.body));
    // listed even when the file was already there: the manifest may be what a crash left behind
    await updateManifest(
      path.join(directory, `${jobId}.manifest.json`),
      { syncJobId: ctx.syncJobId, audience: batch.audience, format },
      {
        file: fileName,
        operation: batch.operation,
        records: batch.records,
        idempotencyKey: batch.idempotencyKey,
        writtenAt: new Date().toISOString(),
      },
    );
  } catch (error) {
    throw mapFilesystemError(error, `writing ${path.join(batch.directory, fileName)}`);
  }
  return { rejected: [] };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
