// Stage 1 numbers each operation's rows in customer order and cuts them into items of the batch size
// as it goes; an item's rows lie between its first and last customer, and removes come first.
import { expect, it } from 'vitest';
import { queueItemPlan } from './queueItemPlan.ts';

it('numbers adds and removes apart, cuts each into batches, and names each batch its customer range', () => {
  const plan = queueItemPlan(2);
  const rows = [
    [10, 'ADD'],
    [11, 'REMOVE'],
    [12, 'ADD'],
    [15, 'ADD'],
    [16, 'REMOVE'],
    [20, 'ADD'],
    [21, 'ADD'],
  ] as const;
  expect(rows.map(([customer, operation]) => plan.number(operation, customer))).toEqual([1, 1, 2, 3, 2, 4, 5]);
  expect({ adds: plan.adds, removes: plan.removes }).toEqual({ adds: 5, removes: 2 });
  expect(plan.items(), 'removes first, then adds in batches of two').toEqual([
    { operation: 'REMOVE', seq: 0, rowFrom: 1, recordCount: 2, firstCustomerId: 11, lastCustomerId: 16 },
    { operation: 'ADD', seq: 0, rowFrom: 1, recordCount: 2, firstCustomerId: 10, lastCustomerId: 12 },
    { operation: 'ADD', seq: 1, rowFrom: 3, recordCount: 2, firstCustomerId: 15, lastCustomerId: 20 },
    { operation: 'ADD', seq: 2, rowFrom: 5, recordCount: 1, firstCustomerId: 21, lastCustomerId: 21 },
  ]);
});
