// Done when 6 of "Closed to strangers": a DMP destination writes only under PAIDSYNC_DMP_ROOT. A
// directory outside it is refused, whether named outright, reached through `..`, or through a
// symlink inside the root that points out of it.
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

let t: TestApp;
let root: string;
let outside: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'paidsync-dmp-root-'));
  outside = await mkdtemp(path.join(os.tmpdir(), 'paidsync-not-dmp-'));
  await mkdir(path.join(root, 'exports'));
  await symlink(outside, path.join(root, 'escape'));
  t = await startTestApp({ env: { PAIDSYNC_DMP_ROOT: root } });
});
afterAll(async () => {
  await t?.stop();
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const CREATE = 'mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id settings } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateDestinationInput!) { updateDestination(id: $id, input: $input) { id settings } }';

it('refuses a directory outside the root, through .. or through a symlink, on create and on update', async () => {
  const escapes = () => [
    '/',
    '/etc',
    outside,
    path.join(root, '..'),
    path.join(root, 'exports', '..', '..', 'x'),
    '../x',
    path.join(root, 'escape'),
    path.join(root, 'escape', 'deeper'),
  ];
  for (const directory of escapes()) {
    const refused = await t.gql(CREATE, { input: { name: `dmp ${directory}`, type: 'DMP', settings: { directory } } });
    expect(refused.errors?.[0]?.extensions?.code, `creating a DMP destination at ${directory} is bad input`).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message, 'the refusal names PAIDSYNC_DMP_ROOT').toMatch(/PAIDSYNC_DMP_ROOT/);
  }
  const { createDestination } = await t.ok<{ createDestination: { id: string; settings: { directory: string } } }>(CREATE, {
    input: { name: 'dmp inside', type: 'DMP', settings: { directory: path.join(root, 'exports', 'audiences') } },
  });
  expect(createDestination.settings.directory, 'a directory inside the root is kept as given').toBe(
    path.join(root, 'exports', 'audiences'),
  );
  const relative = await t.ok<{ createDestination: { settings: { directory: string } } }>(CREATE, {
    input: { name: 'dmp relative', type: 'DMP', settings: { directory: 'partner-a' } },
  });
  expect(relative.createDestination.settings.directory, 'a relative directory is taken from the root').toBe(path.join(root, 'partner-a'));
  for (const directory of escapes()) {
    const refused = await t.gql(UPDATE, { id: createDestination.id, input: { settings: { directory } } });
    expect(refused.errors?.[0]?.extensions?.code, `moving the DMP destination to ${directory} is bad input`).toBe('BAD_USER_INPUT');
  }
  const after = await t.ok<{ destination: { settings: { directory: string } } }>('query($id: ID!) { destination(id: $id) { settings } }', {
    id: createDestination.id,
  });
  expect(after.destination.settings.directory, 'the refused updates changed nothing').toBe(path.join(root, 'exports', 'audiences'));
});
