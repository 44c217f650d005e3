// Who is in one audience. A member is keyed by its first identifier (the most stable one the network
// got, e.g. EXTERN_ID or the email hash): adding it again replaces it. Any of its identifiers finds it,
// so a remove sent with only the phone still removes the member added with email+phone. Two people who
// share a secondary identifier (a household phone) stay two members.
export interface MemberStore<R> {
  readonly size: number;
  /** is any member known by this identifier */
  has(identifier: string): boolean;
  get(identifier: string): R | undefined;
  records(): R[];
  /** add, or replace the member whose first identifier is identifiers[0]; true when it is new */
  upsert(identifiers: readonly string[], record: R): boolean;
  /** remove every member known by any of these identifiers; true when someone was removed */
  remove(identifiers: readonly string[]): boolean;
  clear(): void;
}

interface Member<R> {
  identifiers: readonly string[];
  record: R;
}

export function createMemberStore<R>(): MemberStore<R> {
  const index = new Map<string, Member<R>>();
  const members = new Set<Member<R>>();

  function drop(member: Member<R>) {
    members.delete(member);
    for (const id of member.identifiers) if (index.get(id) === member) index.delete(id);
  }

  return {
    get size() {
      return members.size;
    },
    has: (identifier) => index.has(identifier),
    get: (identifier) => index.get(identifier)?.record,
    records: () => Array.from(members, (m) => m.record),
    upsert(identifiers, record) {
      const previous = identifiers.length > 0 ? index.get(identifiers[0]!) : undefined;
      const isNew = !(previous && previous.identifiers[0] === identifiers[0]);
      if (!isNew) drop(previous!);
      const member = { identifiers, record };
      members.add(member);
      // the primary key always points here; a shared secondary identifier points to the latest member
      for (const id of identifiers) index.set(id, member);
      return isNew;
    },
    remove(identifiers) {
      let removed = false;
      for (const id of identifiers) {
        const existing = index.get(id);
        if (existing) {
          drop(existing);
          removed = true;
        }
      }
      return removed;
    },
    clear() {
      index.clear();
      members.clear();
    },
  };
}
