// Who is in one audience. A member is keyed by its first identifier (the most stable one the network
// got, e.g. EXTERN_ID or the email hash): adding it again replaces it. Any of its identifiers finds it,
// so a remove sent with only the phone still removes the member added with email+phone. Two people who
// share a secondary identifier (a household phone) stay two members; the phone finds the latest, and
// never takes the place of a member whose first identifier it is.
//
// A benchmark's simulator holds millions of members, so the record is the only object kept per member:
// its identifiers are derived from it again when needed (identifiersOf) rather than stored beside it.
export interface MemberStore<R> {
  readonly size: number;
  /** is any member known by this identifier */
  has(identifier: string): boolean;
  get(identifier: string): R | undefined;
  records(): R[];
  /** add, or replace the member with the same first identifier; true when it is new */
  upsert(record: R): boolean;
  /** remove every member known by any of these identifiers; true when someone was removed */
  remove(identifiers: readonly string[]): boolean;
  clear(): void;
}

export interface MemberStoreOptions<R> {
  /** the identifiers a record is found by, the one it is keyed by first; the same for the same record every time */
  identifiersOf(record: R): readonly string[];
}

export function createMemberStore<R>({ identifiersOf }: MemberStoreOptions<R>): MemberStore<R> {
  // identifier → member; a member's first identifier always points to it, so it is the member's entry
  const index = new Map<string, R>();
  let size = 0;

  const keyOf = (record: R) => identifiersOf(record)[0];

  function drop(record: R) {
    for (const id of identifiersOf(record)) if (index.get(id) === record) index.delete(id);
    size--;
  }

  return {
    get size() {
      return size;
    },
    has: (identifier) => index.has(identifier),
    get: (identifier) => index.get(identifier),
    records() {
      const records: R[] = [];
      for (const [id, record] of index) if (keyOf(record) === id) records.push(record);
      return records;
    },
    upsert(record) {
      const identifiers = identifiersOf(record);
      const key = identifiers[0];
      if (key === undefined) throw new Error('a member needs at least one identifier to be found by');
      const previous = index.get(key);
      const isNew = !(previous !== undefined && keyOf(previous) === key);
      if (!isNew) drop(previous!);
      size++;
      index.set(key, record);
      for (let i = 1; i < identifiers.length; i++) {
        const id = identifiers[i]!;
        const holder = index.get(id);
        // a shared secondary identifier points to the latest member, unless it is another's key
        if (holder === undefined || holder === record || keyOf(holder) !== id) index.set(id, record);
      }
      return isNew;
    },
    remove(identifiers) {
      let removed = false;
      for (const id of identifiers) {
        const existing = index.get(id);
        if (existing !== undefined) {
          drop(existing);
          removed = true;
        }
      }
      return removed;
    },
    clear() {
      index.clear();
      size = 0;
    },
  };
}
