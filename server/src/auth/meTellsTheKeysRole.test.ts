import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

it('tells each key its own role and name', async () => {
  expect((await t.ok<any>('{ me { role } }')).me.role, 'the admin key').toBe('ADMIN');
  for (const role of ['VIEWER', 'OPERATOR'] as const) {
    const key = await t.keyFor(role);
    expect((await t.ok<any>('{ me { role name } }', {}, key)).me, `a ${role} key`).toEqual({ role, name: `test ${role}` });
  }
});
