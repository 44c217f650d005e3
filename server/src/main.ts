// Process entry: read the settings, start the roles, stop cleanly on SIGTERM / SIGINT.
import { startPaidsync } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger, redactSecrets } from './logger.ts';
import { describeStartFailure } from './startFailure.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`paidsync: invalid configuration: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  // a signal during the start (the demo seeds after the port is open) still stops everything cleanly
  let stopping = false;
  const starting = startPaidsync({ config, logger });
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 60_000);
    force.unref();
    await starting.then(
      (app) => app.stop(),
      () => {},
    );
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  let app;
  try {
    app = await starting;
  } catch (error) {
    if (stopping) return;
    console.error(redactSecrets(describeStartFailure(error, config)));
    process.exit(1);
  }
  if (app.generatedAdminKey) {
    // printed once, to the terminal only; only its hash is stored
    process.stdout.write(
      `\n  An admin API key was generated (it is shown only this once):\n\n    ${app.generatedAdminKey}\n\n` +
        `  Sign in to the dashboard at ${app.url ?? '(no API in this role)'} with it.\n\n`,
    );
  }
  // a supervising parent with an IPC channel (the fault tests, a process manager) learns when this
  // process is ready and where its API listens
  if (process.connected) process.send?.({ paidsync: 'ready', url: app.url, role: config.role });
}

main().catch((error) => {
  console.error('paidsync failed to start:', error instanceof Error ? error.message : String(error));
  process.exit(1);
});
