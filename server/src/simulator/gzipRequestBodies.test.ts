import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../test/support/simulatorTestSupport.ts';

const t = useSimulator();

describe('request bodies', () => {
  it('accepts a gzip Content-Encoding, as the real APIs do for large uploads', async () => {
    const body = gzipSync(JSON.stringify({ audience: 'a', operation: 'add', records: [{ id: 'c1' }] }));
    const r = await fetch(`${t.url}/web/crm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body,
    });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(t.started.simulator.state.web.endpoints.get('crm')!.audiences.get('a')!.has('c1')).toBe(true);
  });
});
