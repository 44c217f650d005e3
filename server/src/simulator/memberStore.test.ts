import { describe, expect, it } from 'vitest';
import { createMemberStore } from './memberStore.ts';

interface Person {
  name: string;
  ids: string[];
}
const person = (name: string, ...ids: string[]): Person => ({ name, ids });
const people = () => createMemberStore<Person>({ identifiersOf: (p) => p.ids });
const names = (records: Person[]) => records.map((p) => p.name);

describe('audience members, matched the way ad networks match', () => {
  it('replaces a member added again under the same first identifier', () => {
    const store = people();
    expect(store.upsert(person('v1', 'ext-1', 'email-1')), 'first add is new').toBe(true);
    expect(store.upsert(person('v2', 'ext-1', 'email-2')), 'same key: a replacement').toBe(false);
    expect(store.size).toBe(1);
    expect(store.get('email-2')?.name).toBe('v2');
    expect(store.has('email-1'), 'the old email no longer finds anyone').toBe(false);
    expect(names(store.records()), 'only the replacement is a member').toEqual(['v2']);
  });

  it('keeps two people who share a secondary identifier (a household phone) as two members', () => {
    const store = people();
    store.upsert(person('ann', 'ann@x', 'phone-1'));
    store.upsert(person('bob', 'bob@x', 'phone-1'));
    expect(store.size).toBe(2);
    expect(store.get('phone-1')?.name, 'the phone finds the latest').toBe('bob');
    expect(names(store.records())).toEqual(['ann', 'bob']);
  });

  it('removes a member found by any of its identifiers', () => {
    const store = people();
    store.upsert(person('ann', 'ann@x', 'phone-1'));
    store.upsert(person('cy', 'cy@x'));
    expect(store.remove(['phone-1'])).toBe(true);
    expect(store.has('ann@x'), 'ann removed through her phone').toBe(false);
    expect(names(store.records())).toEqual(['cy']);
    expect(store.size).toBe(1);
    expect(store.remove(['nobody']), 'removing a stranger changes nothing').toBe(false);
  });

  it('keeps finding a member by its first identifier when another member shares it as a secondary one', () => {
    const store = people();
    store.upsert(person('ann', 'phone-1')); // sent with only her phone
    store.upsert(person('bob', 'bob@x', 'phone-1'));
    expect(store.size).toBe(2);
    expect(store.get('phone-1')?.name, 'the phone is ann’s key, so it still finds her').toBe('ann');
    expect(store.remove(['phone-1'])).toBe(true);
    expect(names(store.records()), 'ann removed through her key, bob kept').toEqual(['bob']);
    expect(store.size).toBe(1);
  });

  it('empties with clear', () => {
    const store = people();
    store.upsert(person('ann', 'ann@x'));
    store.clear();
    expect([store.size, store.has('ann@x'), store.records()]).toEqual([0, false, []]);
  });

  it('refuses a record it could not find again (no identifier)', () => {
    expect(() => people().upsert(person('nobody'))).toThrow(/at least one identifier/);
  });
});
