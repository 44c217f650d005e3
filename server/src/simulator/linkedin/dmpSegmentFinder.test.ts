import { describe, expect, it } from 'vitest';
import { createLinkedInSegment, LINKEDIN_HEADERS, useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const ACCOUNT = encodeURIComponent('urn:li:sponsoredAccount:507');
const find = (query: string, headers: Record<string, string> = LINKEDIN_HEADERS) =>
  t.call('GET', `/linkedin/rest/dmpSegments?${query}`, undefined, headers);

describe('LinkedIn DMP segment finder (q=account)', () => {
  it("lists the account's segments only, with start/count paging and the total", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await createLinkedInSegment(t, `Seg ${i}`));
    await createLinkedInSegment(t, 'Elsewhere', '999');
    const first = await find(`q=account&account=${ACCOUNT}&start=0&count=2`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.elements.map((e: { id: number; name: string }) => [String(e.id), e.name])).toEqual([
      [ids[0], 'Seg 0'],
      [ids[1], 'Seg 1'],
    ]);
    expect(first.body.paging).toMatchObject({ start: 0, count: 2, total: 3 });
    const second = await find(`q=account&account=${ACCOUNT}&start=2&count=2`);
    expect(second.body.elements.map((e: { id: number }) => String(e.id))).toEqual([ids[2]]);
    expect(second.body.elements[0]).toMatchObject({ account: 'urn:li:sponsoredAccount:507', type: 'USER' });
  });

  it('pages 10 at a time unless count says otherwise', async () => {
    for (let i = 0; i < 12; i++) await createLinkedInSegment(t, `S${i}`);
    const page = await find(`q=account&account=${ACCOUNT}`);
    expect(page.body.elements).toHaveLength(10);
    expect(page.body.paging).toMatchObject({ start: 0, count: 10, total: 12 });
  });

  it('refuses another finder, a bad account URN or bad paging with a Rest.li 400', async () => {
    expect((await find('q=name&name=x')).status).toBe(400);
    expect((await find('q=account&account=507')).body).toMatchObject({ status: 400, code: 'INVALID_VALUE_FOR_FIELD' });
    expect((await find(`q=account&account=${ACCOUNT}&count=0`)).status).toBe(400);
  });

  it('needs a token and the version header like every other endpoint', async () => {
    expect((await find(`q=account&account=${ACCOUNT}`, { ...LINKEDIN_HEADERS, authorization: 'Bearer invalid' })).status).toBe(401);
    const { 'linkedin-version': _v, ...noVersion } = LINKEDIN_HEADERS;
    expect((await find(`q=account&account=${ACCOUNT}`, noVersion)).body.code).toBe('VERSION_MISSING');
  });
});
