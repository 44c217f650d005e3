import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findImportViolations } from '../scripts/checkLayers.ts';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scratch: string[] = [];
afterAll(() => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))));

async function serverTree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-layers-'));
  scratch.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

describe('imports run graphql -> pipeline -> delivery -> destinations, and shipped code holds no test code', () => {
  it('finds no import against the rules in server/src as it is', () => {
    expect(findImportViolations(serverDir), 'every import listed here breaks a layer rule').toEqual([]);
  });

  it('flags an adapter importing the delivery engine, delivery importing the pipeline, and test code in src', async () => {
    const dir = await serverTree({
      'src/destinations/web/webAdapter.ts': "import { backoffDelay } from '../../delivery/backoff.ts';\n",
      'src/delivery/claimQueueItem.ts':
        "import type { PipelineContext } from '../pipeline/pipelineContext.ts';\nimport { sleep } from '../sleep.ts';\n",
      'src/pipeline/runStage.ts':
        "import { expect } from 'vitest';\nimport { startTestApp } from '../../test/support/testApp.ts';\nimport { loadBatch } from '../delivery/loadBatch.ts';\n",
      'src/graphql/server.ts': "import { runStage } from '../pipeline/runStage.ts';\n",
      'src/pipeline/runStageOnce.test.ts': "import { it } from 'vitest';\nimport { startTestApp } from '../../test/support/testApp.ts';\n",
    });
    const found = findImportViolations(dir).map((v) => `${v.file}:${v.line} ${v.specifier}`);
    expect(found.sort()).toEqual([
      'src/delivery/claimQueueItem.ts:1 ../pipeline/pipelineContext.ts',
      'src/destinations/web/webAdapter.ts:1 ../../delivery/backoff.ts',
      'src/pipeline/runStage.ts:1 vitest',
      'src/pipeline/runStage.ts:2 ../../test/support/testApp.ts',
    ]);
  });
});
