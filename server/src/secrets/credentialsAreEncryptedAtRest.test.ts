// Destination credentials are sealed in the database (only the right PAIDSYNC_SECRET opens them) and
// nothing in the API returns them: no field of the schema, no query result, no error message.
import { randomBytes } from 'node:crypto';
import { getNamedType, isObjectType, isInterfaceType, isLeafType, type GraphQLObjectType, type GraphQLInterfaceType } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedSchema } from '../../test/support/introspection.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';
import { createCredentialsCipher } from './credentialsCipher.ts';

const SECRET = 'test-secret-' + randomBytes(24).toString('hex');
const TOKEN = 'EAAB' + randomBytes(24).toString('hex');
const DEVELOPER_TOKEN = 'dev-' + randomBytes(12).toString('hex');
const NEW_TOKEN = 'rotated-' + randomBytes(24).toString('hex');

let t: TestApp;
let db: pg.Client;
let destinationId: string;
beforeAll(async () => {
  t = await startTestApp({ env: { PAIDSYNC_SECRET: SECRET } });
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  const created = await t.ok(`mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id hasCredentials } }`, {
    input: {
      name: 'google with secrets',
      type: 'GOOGLE_ADS',
      settings: { customerId: '123-456-7890', apiBaseUrl: 'https://googleads.example.com' },
      credentials: { accessToken: TOKEN, developerToken: DEVELOPER_TOKEN },
    },
  });
  destinationId = created.createDestination.id;
  expect(created.createDestination.hasCredentials, 'the API says credentials are stored').toBe(true);
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

async function storedRow() {
  const { rows } = await db.query<Record<string, unknown>>(`SELECT * FROM destinations WHERE name = 'google with secrets'`);
  expect(rows.length, 'the destination row exists').toBe(1);
  return rows[0]!;
}

describe('at rest', () => {
  it('the credentials column holds a sealed value, not the token, and no column holds the token', async () => {
    const row = await storedRow();
    const sealed = row.credentials_encrypted as string;
    expect(typeof sealed, 'credentials_encrypted is set').toBe('string');
    expect(sealed, 'the sealed value is not the token').not.toContain(TOKEN);
    expect(sealed, 'the sealed value is not the developer token').not.toContain(DEVELOPER_TOKEN);
    expect(sealed, 'not merely base64 of the token either').not.toContain(Buffer.from(TOKEN).toString('base64').slice(0, 24));
    expect(JSON.stringify(row), 'no column of the row holds the token').not.toContain(TOKEN);
    const { rows } = await db.query<{ hit: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM destinations d WHERE d::text LIKE '%' || $1 || '%') AS hit`,
      [TOKEN],
    );
    expect(rows[0]!.hit, 'a text search of the whole table finds no token').toBe(false);
  });

  it('opens with the right secret only, and not once tampered with', async () => {
    const sealed = (await storedRow()).credentials_encrypted as string;
    expect(createCredentialsCipher(SECRET).open(sealed), 'the right secret opens it').toEqual({
      accessToken: TOKEN,
      developerToken: DEVELOPER_TOKEN,
    });
    expect(() => createCredentialsCipher(SECRET + 'x').open(sealed), 'another secret cannot open it').toThrow();
    const parts = sealed.split(':');
    const body = Buffer.from(parts[4]!, 'base64');
    body[0] = body[0]! ^ 0xff;
    parts[4] = body.toString('base64');
    expect(() => createCredentialsCipher(SECRET).open(parts.join(':')), 'a tampered value does not open').toThrow();
  });

  it('sealing the same credentials twice gives different values (random IV)', () => {
    const cipher = createCredentialsCipher(SECRET);
    expect(cipher.seal({ accessToken: TOKEN }), 'two seals differ').not.toEqual(cipher.seal({ accessToken: TOKEN }));
  });

  it('new credentials through updateDestination are sealed too', async () => {
    await t.ok(`mutation($id: ID!, $credentials: JSON) { updateDestination(id: $id, input: { credentials: $credentials }) { id } }`, {
      id: destinationId,
      credentials: { accessToken: NEW_TOKEN, developerToken: DEVELOPER_TOKEN },
    });
    const sealed = (await storedRow()).credentials_encrypted as string;
    expect(sealed, 'the new token is not stored in clear').not.toContain(NEW_TOKEN);
    expect(createCredentialsCipher(SECRET).open(sealed), 'the new credentials replaced the old').toEqual({
      accessToken: NEW_TOKEN,
      developerToken: DEVELOPER_TOKEN,
    });
  });
});

describe('through the API', () => {
  it('no field anywhere in the schema is a credentials, token or secret field', async () => {
    const { schema, introspection } = await servedSchema(t);
    const outputFields: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values((type as GraphQLObjectType | GraphQLInterfaceType).getFields()))
          outputFields.push(`${type.name}.${field.name}`);
      }
    }
    const suspicious = outputFields.filter((f) => /credential|token|secret|password|encrypted/i.test(f.split('.')[1]!));
    // hasCredentials is a boolean saying whether any are stored, never their value
    expect(suspicious, 'the only credentials-related output field is Destination.hasCredentials').toEqual(['Destination.hasCredentials']);
    const hasCredentials = (schema.getType('Destination') as GraphQLObjectType).getFields().hasCredentials!;
    expect(getNamedType(hasCredentials.type).name, 'hasCredentials is a Boolean').toBe('Boolean');
    expect(JSON.stringify(introspection), 'the introspected schema never mentions the token').not.toContain(TOKEN);
  });

  it('a query of every Destination field (and its settings) returns neither token', async () => {
    const { schema } = await servedSchema(t);
    const destination = schema.getType('Destination') as GraphQLObjectType;
    const selection = Object.values(destination.getFields())
      .map((field) => {
        const named = getNamedType(field.type);
        if (isLeafType(named)) return field.name;
        return `${field.name} { __typename ${Object.values((named as GraphQLObjectType).getFields())
          .filter((f) => isLeafType(getNamedType(f.type)) && f.args.length === 0)
          .map((f) => f.name)
          .join(' ')} }`;
      })
      .join(' ');
    const one = await t.gql(
      `query($id: ID!) { destination(id: $id) { ${selection} } node(id: $id) { ... on Destination { ${selection} } } destinations { ${selection} } }`,
      { id: destinationId },
    );
    expect(one.errors, 'the full query runs').toBeUndefined();
    const text = JSON.stringify(one);
    expect(text, 'the response holds the destination').toContain('google with secrets');
    for (const secret of [NEW_TOKEN, TOKEN, DEVELOPER_TOKEN, SECRET]) expect(text, 'no credential in the response').not.toContain(secret);
    const { rows } = await db.query<{ credentials_encrypted: string }>(
      `SELECT credentials_encrypted FROM destinations WHERE name = 'google with secrets'`,
    );
    expect(text, 'not even the sealed value').not.toContain(rows[0]!.credentials_encrypted.split(':')[4]!);
  });

  it('a refused createDestination does not echo the credentials in its error', async () => {
    const result = await t.gql(`mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id } }`, {
      input: {
        name: 'bad fb',
        type: 'FACEBOOK_ADS',
        settings: { adAccountId: 'not-numeric' },
        credentials: { accessToken: TOKEN, extra: TOKEN },
      },
    });
    expect(result.errors?.[0]?.extensions?.code, 'the bad input is refused').toBe('BAD_USER_INPUT');
    expect(JSON.stringify(result), 'the error does not contain the token').not.toContain(TOKEN);
    const credentialsOnly = await t.gql(`mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id } }`, {
      input: {
        name: 'bad fb 2',
        type: 'FACEBOOK_ADS',
        settings: { adAccountId: '1' },
        credentials: { accessToken: TOKEN, unknownField: TOKEN },
      },
    });
    expect(credentialsOnly.errors?.[0]?.extensions?.code, 'unknown credential keys are refused').toBe('BAD_USER_INPUT');
    expect(JSON.stringify(credentialsOnly), 'the credentials error does not contain the token').not.toContain(TOKEN);
  });
});
