// The simulator's logs and dedup memories keep the newest entries only: it runs for as long as the
// server does, and a store that grows with every request would end it.
export const STORE_LIMIT = 200_000;

/** Appends, dropping the oldest entries beyond `limit` (in chunks, so a full log costs no copy per push). */
export function pushBounded<T>(list: T[], item: T, limit = STORE_LIMIT) {
  list.push(item);
  if (list.length > limit) list.splice(0, Math.max(list.length - limit, Math.ceil(limit / 10)));
}

/** Map.set that forgets the oldest keys beyond `limit` (a Map iterates in insertion order). */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, limit = STORE_LIMIT) {
  map.set(key, value);
  if (map.size <= limit) return;
  for (const oldest of map.keys()) {
    map.delete(oldest);
    if (map.size <= limit) break;
  }
}

/** Set.add with the same bound. */
export function addBounded<T>(set: Set<T>, value: T, limit = STORE_LIMIT) {
  set.add(value);
  if (set.size <= limit) return;
  for (const oldest of set) {
    set.delete(oldest);
    if (set.size <= limit) break;
  }
}
