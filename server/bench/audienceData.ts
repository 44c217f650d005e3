// The customers the audience benchmarks use: `c-${i}`, with a distinct email each, all in the US.
export interface BenchCustomer {
  externalId: string;
  email: string;
  country: string;
}

export const externalIdOf = (i: number) => `c-${i}`;
export const emailOf = (i: number) => `customer.${i}@example.com`;
export const customerOf = (i: number): BenchCustomer => ({ externalId: externalIdOf(i), email: emailOf(i), country: 'US' });

export function customersBody(from: number, to: number): string {
  const customers = [];
  for (let i = from; i < to; i++) customers.push(customerOf(i));
  return JSON.stringify({ query: UPSERT, variables: { c: customers } });
}

export const UPSERT = 'mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { count } }';
