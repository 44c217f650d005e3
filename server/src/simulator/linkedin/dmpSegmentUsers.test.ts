import { describe, expect, it } from 'vitest';
import { createLinkedInSegment, h, LINKEDIN_HEADERS, useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const batch = { ...LINKEDIN_HEADERS, 'x-restli-method': 'BATCH_CREATE' };
const element = (action: 'ADD' | 'REMOVE', email: string) => ({ action, userIds: [{ idType: 'SHA256_EMAIL', idValue: h(email) }] });

describe('LinkedIn DMP segments', () => {
  it('creates a segment: 201 with the id in x-restli-id', async () => {
    const id = await createLinkedInSegment(t);
    expect(id).toMatch(/^\d+$/);
    const got = await t.call('GET', `/linkedin/rest/dmpSegments/${id}`, undefined, LINKEDIN_HEADERS);
    expect(got.body).toMatchObject({ name: 'Seg', account: 'urn:li:sponsoredAccount:507', type: 'USER' });
  });

  it('adds and removes users with BATCH_CREATE, one status per element', async () => {
    const id = await createLinkedInSegment(t);
    const added = await t.call(
      'POST',
      `/linkedin/rest/dmpSegments/${id}/users`,
      { elements: [element('ADD', 'a'), element('ADD', 'b')] },
      batch,
    );
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toEqual({ elements: [{ status: 201 }, { status: 201 }] });
    await t.call('POST', `/linkedin/rest/dmpSegments/${id}/users`, { elements: [element('REMOVE', 'a')] }, batch);
    const members = t.started.simulator.state.linkedin.segments.get(id)!.members;
    expect(members.has(h('a')), 'a removed').toBe(false);
    expect(members.has(h('b')), 'b kept').toBe(true);
  });

  it('answers status 400 for a malformed element and 201 for the others', async () => {
    const id = await createLinkedInSegment(t);
    const r = await t.call(
      'POST',
      `/linkedin/rest/dmpSegments/${id}/users`,
      {
        elements: [element('ADD', 'a'), { action: 'ADD', userIds: [{ idType: 'SHA256_EMAIL', idValue: 'plain@x.com' }] }],
      },
      batch,
    );
    expect(r.body.elements[0]).toEqual({ status: 201 });
    expect(r.body.elements[1].status).toBe(400);
    expect(r.body.elements[1].message).toContain('SHA-256');
  });

  it('needs X-RestLi-Method: BATCH_CREATE, a LinkedIn-Version and an existing segment', async () => {
    const id = await createLinkedInSegment(t);
    const noMethod = await t.call('POST', `/linkedin/rest/dmpSegments/${id}/users`, { elements: [element('ADD', 'a')] }, LINKEDIN_HEADERS);
    expect(noMethod.status).toBe(400);
    const { 'linkedin-version': _v, ...noVersion } = batch;
    const versionless = await t.call('POST', `/linkedin/rest/dmpSegments/${id}/users`, { elements: [element('ADD', 'a')] }, noVersion);
    expect(versionless.status).toBe(400);
    expect(versionless.body.code).toBe('VERSION_MISSING');
    const missing = await t.call('POST', '/linkedin/rest/dmpSegments/1/users', { elements: [element('ADD', 'a')] }, batch);
    expect(missing.status).toBe(404);
  });

  it('answers 401 without a token', async () => {
    const { authorization: _a, ...noAuth } = LINKEDIN_HEADERS;
    const r = await t.call('POST', '/linkedin/rest/dmpSegments', { name: 'x' }, noAuth);
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('INVALID_ACCESS_TOKEN');
  });
});
