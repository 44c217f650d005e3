// One string instance per distinct value of a field (a country or first-name hash) for the members of an
// audience: each value parsed from a request is a string of its own, and a 64-character hash repeated
// in a million records is 80 MB of copies. Each field remembers at most `maxPerField` values, so a
// field that is unique per member (a last-name hash) costs a bounded table, not one entry per member.
export interface SharedValues {
  /** values remembered, over all fields */
  readonly size: number;
  /** the instance already held for this field's value, else this one (remembered while there is room) */
  share(field: string, value: string): string;
}

export function createSharedValues({ maxPerField = 1_000 }: { maxPerField?: number } = {}): SharedValues {
  const fields = new Map<string, Map<string, string>>();
  let size = 0;
  return {
    get size() {
      return size;
    },
    share(field, value) {
      let values = fields.get(field);
      if (values === undefined) fields.set(field, (values = new Map()));
      const held = values.get(value);
      if (held !== undefined) return held;
      if (values.size < maxPerField) {
        values.set(value, value);
        size++;
      }
      return value;
    },
  };
}
