import { describe, expect, it } from 'vitest';
import { createMemberStore } from './memberStore.ts';

describe('audience members, matched the way ad networks match', () => {
  it('replaces a member added again under the same first identifier', () => {
    const store = createMemberStore<string>();
    expect(store.upsert(['ext-1', 'email-1'], 'v1'), 'first add is new').toBe(true);
    expect(store.upsert(['ext-1', 'email-2'], 'v2'), 'same key: a replacement').toBe(false);
    expect(store.size).toBe(1);
    expect(store.get('email-2')).toBe('v2');
    expect(store.has('email-1'), 'the old email no longer finds anyone').toBe(false);
  });

  it('keeps two people who share a secondary identifier (a household phone) as two members', () => {
    const store = createMemberStore<string>();
    store.upsert(['ann@x', 'phone-1'], 'ann');
    store.upsert(['bob@x', 'phone-1'], 'bob');
    expect(store.size).toBe(2);
  });

  it('removes a member found by any of its identifiers', () => {
    const store = createMemberStore<string>();
    store.upsert(['ann@x', 'phone-1'], 'ann');
    store.upsert(['cy@x'], 'cy');
    expect(store.remove(['phone-1'])).toBe(true);
    expect(store.has('ann@x'), 'ann removed through her phone').toBe(false);
    expect(store.records()).toEqual(['cy']);
    expect(store.remove(['nobody']), 'removing a stranger changes nothing').toBe(false);
  });
});
