// The adds and removes of a membership job, numbered as stage 1 finds them (customer order) and cut
// into queue items of the destination's batch size on the way: item `seq` of an operation holds its
// rows seq*size+1 .. (seq+1)*size, which lie between its first and last customer. Stage 4 creates
// the items from this plan, so no pass over a million payload rows is needed to find where they cut.
export interface PlannedItem {
  operation: 'ADD' | 'REMOVE';
  seq: number;
  rowFrom: number;
  recordCount: number;
  firstCustomerId: number;
  lastCustomerId: number;
}

export function queueItemPlan(batchSize: number) {
  const items: Record<'ADD' | 'REMOVE', PlannedItem[]> = { ADD: [], REMOVE: [] };
  const rows = { ADD: 0, REMOVE: 0 };
  return {
    /** the customer's row number among the operation's rows (rows come in customer order) */
    number(operation: 'ADD' | 'REMOVE', customerId: number): number {
      const row = ++rows[operation];
      const seq = Math.floor((row - 1) / batchSize);
      let item = items[operation][seq];
      if (!item) {
        item = { operation, seq, rowFrom: row, recordCount: 0, firstCustomerId: customerId, lastCustomerId: customerId };
        items[operation].push(item);
      }
      item.recordCount++;
      item.lastCustomerId = customerId;
      return row;
    },
    get adds() {
      return rows.ADD;
    },
    get removes() {
      return rows.REMOVE;
    },
    /** removes first, so a changed member's stale identifiers leave before its new ones arrive */
    items(): PlannedItem[] {
      return [...items.REMOVE, ...items.ADD];
    },
  };
}
