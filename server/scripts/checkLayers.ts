// The import rules a reviewer would otherwise have to catch by eye:
// - layers run one way, graphql -> pipeline -> delivery -> destinations: a file may import its own
//   layer and the ones below it, never one above (the adapter contract lives in destinations/ so
//   adapters need nothing from delivery/);
// - code under server/src ships: outside *.test.ts it imports neither vitest nor server/test/.
// Run by `pnpm lint:layers` and, through layersRunOneWay.test.ts, by `pnpm test`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** From the top down: each layer may import the ones after it. */
export const LAYERS = ['graphql', 'pipeline', 'delivery', 'destinations'] as const;

export interface ImportViolation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' || entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|mts|js)$/.test(entry.name) ? [full] : [];
  });
}

const layerOf = (srcDir: string, file: string): number => {
  const top = path.relative(srcDir, file).split(path.sep)[0];
  return LAYERS.indexOf(top as (typeof LAYERS)[number]);
};

/** Every import under `serverDir`/src that breaks a rule (tests may reach across layers and into test/). */
export function findImportViolations(serverDir: string): ImportViolation[] {
  const srcDir = path.join(serverDir, 'src');
  const testDir = path.join(serverDir, 'test');
  const violations: ImportViolation[] = [];
  for (const file of sourceFiles(srcDir)) {
    if (file.endsWith('.test.ts')) continue;
    const text = readFileSync(file, 'utf8');
    const fromLayer = layerOf(srcDir, file);
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1]!;
      const line = text.slice(0, match.index).split('\n').length;
      const at = { file: path.relative(serverDir, file), line, specifier };
      if (specifier === 'vitest' || specifier.startsWith('vitest/')) {
        violations.push({ ...at, rule: 'shipped code imports vitest; test helpers belong under server/test/support/' });
        continue;
      }
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), specifier);
      if (target === testDir || target.startsWith(testDir + path.sep)) {
        violations.push({ ...at, rule: 'shipped code imports from server/test/' });
        continue;
      }
      const toLayer = layerOf(srcDir, target);
      if (fromLayer >= 0 && toLayer >= 0 && toLayer < fromLayer) {
        violations.push({ ...at, rule: `${LAYERS[fromLayer]}/ imports ${LAYERS[toLayer]}/, against ${LAYERS.join(' -> ')}` });
      }
    }
  }
  return violations;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const violations = findImportViolations(serverDir);
  for (const v of violations) console.error(`${v.file}:${v.line}: '${v.specifier}': ${v.rule}`);
  if (violations.length > 0) {
    console.error(`${violations.length} import(s) break the layer rules`);
    process.exit(1);
  }
  console.log(`imports follow ${LAYERS.join(' -> ')}; no test code in server/src`);
}
