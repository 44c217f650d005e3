// Deterministic, obviously fake customers for the demo: a few thousand, with names, phones, places
// and a couple of attributes the demo segments select on.
const FIRST = [
  'Ana',
  'Bruno',
  'Carla',
  'Diego',
  'Elena',
  'Farid',
  'Greta',
  'Hugo',
  'Inês',
  'Jonas',
  'Kai',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Paula',
];
const LAST = ['Silva', 'Müller', 'Okafor', 'Tanaka', 'Novak', 'García', 'Smith', 'Dubois', 'Rossi', 'Kowalski', 'Nguyen', 'Haddad'];
const PLACES = [
  { city: 'Austin', state: 'TX', zip: '78701' },
  { city: 'Denver', state: 'CO', zip: '80202' },
  { city: 'Boston', state: 'MA', zip: '02108' },
  { city: 'Seattle', state: 'WA', zip: '98101' },
  { city: 'Miami', state: 'FL', zip: '33101' },
];
const PLANS = ['free', 'plus', 'gold'];

export function demoCustomers(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const place = PLACES[(i * 3) % PLACES.length]!;
    return {
      externalId: `demo-${String(i).padStart(5, '0')}`,
      email: `${first}.${last}.${i}@example.com`.toLowerCase(),
      phone: `+1 (555) ${String(100 + (i % 900)).padStart(3, '0')}-${String(i % 10_000).padStart(4, '0')}`,
      firstName: first,
      lastName: last,
      ...place,
      country: 'US',
      dateOfBirth: `${1960 + (i % 40)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      gender: i % 2 ? 'f' : 'm',
      adConsent: i % 50 !== 7,
      attributes: { plan: PLANS[i % PLANS.length], ltv: (i * 37) % 1000 },
    };
  });
}
