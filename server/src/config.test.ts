// loadConfig: the defaults of DESIGN.md's settings table, and a bad value of any variable stops the
// start with a ConfigError naming that variable.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const CWD = '/srv/paidsync';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    expect(error, 'loadConfig threw a ConfigError').toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected loadConfig to refuse ${JSON.stringify(env)}`);
}

describe('defaults (DESIGN.md, "Running it")', () => {
  it('with an empty environment', () => {
    const config = loadConfig({}, CWD);
    expect(config, 'every default of the DESIGN.md table').toMatchObject({
      databaseUrl: null, // embedded PostgreSQL
      port: 4000,
      role: 'all',
      adminKey: null, // generated on first start
      secret: null, // generated into .data/
      retryIntervalSeconds: 1800,
      backoffBaseMs: 1000,
      simulator: true, // on with the embedded database
      dataDir: path.join(CWD, '.data'),
      production: false,
      logLevel: 'info',
    });
    expect(config.leaseSeconds, 'a queue item lease lasts a minute (work of a dead worker is taken over within about a minute)').toBe(60);
    expect([config.heartbeatSeconds, config.superviseSeconds], 'pg-boss heartbeats and supervision every 15 s').toEqual([15, 15]);
  });

  it('the simulator is off by default with a DATABASE_URL, and can be turned on or off explicitly', () => {
    const url = 'postgresql://u:p@db.example.com:5432/paidsync';
    expect(loadConfig({ DATABASE_URL: url }, CWD).simulator, 'off with a DATABASE_URL').toBe(false);
    expect(loadConfig({ DATABASE_URL: url, PAIDSYNC_SIMULATOR: 'on' }, CWD).simulator, 'on when asked').toBe(true);
    expect(loadConfig({ PAIDSYNC_SIMULATOR: 'off' }, CWD).simulator, 'off when asked, even embedded').toBe(false);
  });

  it('an empty variable counts as unset', () => {
    expect(loadConfig({ PORT: '', PAIDSYNC_ROLE: '', DATABASE_URL: '' }, CWD), 'empty values take the defaults').toMatchObject({
      port: 4000,
      role: 'all',
      databaseUrl: null,
    });
  });

  it('good values are read', () => {
    const config = loadConfig(
      {
        DATABASE_URL: 'postgres://db/paidsync',
        PORT: '8080',
        PAIDSYNC_ROLE: 'worker',
        PAIDSYNC_ADMIN_KEY: 'k'.repeat(32),
        PAIDSYNC_SECRET: 's'.repeat(32),
        PAIDSYNC_RETRY_INTERVAL_SECONDS: '60',
        PAIDSYNC_BACKOFF_BASE_MS: '250',
        PAIDSYNC_DATA_DIR: 'var/data',
        NODE_ENV: 'production',
      },
      CWD,
    );
    expect(config, 'each value as given').toMatchObject({
      databaseUrl: 'postgres://db/paidsync',
      port: 8080,
      role: 'worker',
      adminKey: 'k'.repeat(32),
      secret: 's'.repeat(32),
      retryIntervalSeconds: 60,
      backoffBaseMs: 250,
      dataDir: path.join(CWD, 'var/data'),
      production: true,
    });
  });
});

describe('a bad value stops loadConfig with a ConfigError naming the variable', () => {
  const bad: Array<[string, string]> = [
    ['DATABASE_URL', 'mysql://localhost/paidsync'],
    ['DATABASE_URL', 'not a url'],
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PAIDSYNC_ROLE', 'everything'],
    ['PAIDSYNC_ADMIN_KEY', 'short'],
    ['PAIDSYNC_SECRET', 'too-short-secret'],
    ['PAIDSYNC_RETRY_INTERVAL_SECONDS', '0'],
    ['PAIDSYNC_RETRY_INTERVAL_SECONDS', 'half an hour'],
    ['PAIDSYNC_BACKOFF_BASE_MS', '-5'],
    ['PAIDSYNC_BACKOFF_BASE_MS', '1e99'],
    ['PAIDSYNC_SIMULATOR', 'maybe'],
    ['PAIDSYNC_LOG_LEVEL', 'verbose'],
    ['PAIDSYNC_LEASE_SECONDS', '1'],
    ['PAIDSYNC_LEASE_SECONDS', 'a minute'],
    ['PAIDSYNC_HEARTBEAT_SECONDS', '5'], // pg-boss refuses heartbeats under 10 s
    ['PAIDSYNC_SUPERVISE_SECONDS', '0'],
    ['PAIDSYNC_ALLOW_PRIVATE_HOSTS', 'http://10.0.0.1/'],
    ['PAIDSYNC_ALLOW_PRIVATE_HOSTS', '10.0.0.0/33'],
    ['PAIDSYNC_API_CALL_RETENTION_DAYS', '0'],
  ];
  for (const [variable, value] of bad) {
    it(`${variable}=${JSON.stringify(value)}`, () => {
      const error = configError({ [variable]: value });
      expect(error.variable, 'the error names the variable').toBe(variable);
      expect(error.message, 'the message starts with the variable').toMatch(new RegExp(`^${variable}: `));
    });
  }

  it('secrets are not repeated in the message', () => {
    expect(configError({ PAIDSYNC_SECRET: 'hunter2-secret' }).message, 'the secret is redacted').not.toContain('hunter2');
    expect(configError({ PAIDSYNC_ADMIN_KEY: 'psk_short' }).message, 'the admin key is redacted').not.toContain('psk_short');
    expect(configError({ DATABASE_URL: 'mysql://root:pa55word@db/x' }).message, 'the database password is redacted').not.toContain(
      'pa55word',
    );
  });
});

describe('production', () => {
  it('PAIDSYNC_SECRET is required when NODE_ENV=production', () => {
    const error = configError({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/paidsync' });
    expect(error.variable, 'the error names PAIDSYNC_SECRET').toBe('PAIDSYNC_SECRET');
    expect(error.message, 'the message says why').toMatch(/production/);
  });

  it('is not required outside production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }, CWD).secret, 'no secret needed in development').toBeNull();
    expect(loadConfig({ NODE_ENV: 'test' }, CWD).production, 'test is not production').toBe(false);
  });
});

describe('security settings', () => {
  it('PAIDSYNC_ALLOW_PRIVATE_HOSTS takes names, IPs and CIDRs; PAIDSYNC_DMP_ROOT defaults inside the data directory', () => {
    const config = loadConfig({ PAIDSYNC_ALLOW_PRIVATE_HOSTS: 'crm.internal, 127.0.0.1,10.0.0.0/8,::1' }, CWD);
    expect(config.allowPrivateHosts, 'each entry, trimmed').toEqual(['crm.internal', '127.0.0.1', '10.0.0.0/8', '::1']);
    expect(loadConfig({}, CWD).allowPrivateHosts, 'none by default').toEqual([]);
    expect(loadConfig({}, CWD).dmpRoot, 'the DMP root is .data/dmp').toBe(path.join(CWD, '.data', 'dmp'));
    expect(loadConfig({}, CWD).apiCallRetentionDays, 'API calls are kept 30 days').toBe(30);
  });

  it('the simulator is off in production with the embedded database unless asked for', () => {
    const production = { NODE_ENV: 'production', PAIDSYNC_SECRET: 'x'.repeat(32) };
    expect(loadConfig(production, CWD).simulator, 'off in production').toBe(false);
    expect(loadConfig({ ...production, PAIDSYNC_SIMULATOR: 'on' }, CWD).simulator, 'on when explicitly set').toBe(true);
  });
});
