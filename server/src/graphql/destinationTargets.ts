// Where a destination being saved would send data, checked before it is stored: its URLs against
// the network policy, its stored credentials against a change of host, a DMP directory against
// PAIDSYNC_DMP_ROOT. Each refusal is a BAD_USER_INPUT that names the field and says why.
import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { NetworkPolicyError } from '../delivery/networkPolicy.ts';
import type { DestinationType } from '../generated/prisma/enums.ts';
import type { Services } from './context.ts';
import { badInput } from './errors.ts';

/** The settings that name a host the destination's requests go to. */
const URL_SETTINGS = ['apiBaseUrl', 'url'] as const;

export async function checkDestinationTargets(
  services: Pick<Services, 'networkPolicy' | 'config'>,
  destination: {
    type: DestinationType;
    settings: Record<string, unknown>;
    /** on update: the settings and whether credentials are stored, before this change */
    before?: { settings: Record<string, unknown>; hasCredentials: boolean };
    /** whether this request sends credentials (which are then bound to the new hosts) */
    sendsCredentials: boolean;
  },
): Promise<Record<string, unknown>> {
  const { settings, before } = destination;
  for (const key of URL_SETTINGS) {
    const value = settings[key];
    if (typeof value !== 'string') continue;
    try {
      await services.networkPolicy.checkUrl(value);
    } catch (error) {
      if (error instanceof NetworkPolicyError) badInput(`settings.${key}: ${error.message}`, { field: `settings.${key}` });
      throw error;
    }
  }
  if (before?.hasCredentials && !destination.sendsCredentials) {
    for (const key of URL_SETTINGS) {
      const from = hostOf(before.settings[key]);
      const to = hostOf(settings[key]);
      if (from !== to) {
        badInput(
          `settings.${key} moves the destination from ${from ?? "the network's own API"} to ${to ?? "the network's own API"}: ` +
            'send its credentials again with this change (stored credentials are only ever sent to the host they were entered for)',
          { field: 'credentials' },
        );
      }
    }
  }
  if (destination.type === 'DMP' && typeof settings.directory === 'string') {
    return { ...settings, directory: await directoryInsideRoot(services.config.dmpRoot, settings.directory) };
  }
  return settings;
}

const hostOf = (value: unknown) => (typeof value === 'string' && URL.canParse(value) ? new URL(value).host.toLowerCase() : null);

/**
 * The directory (relative ones are taken from the root) when its real path is inside `root`: `..`
 * and symlinks are followed before the comparison, so neither leads out. Parts that do not exist
 * yet cannot be symlinks; the adapter creates them.
 */
async function directoryInsideRoot(root: string, directory: string): Promise<string> {
  await mkdir(root, { recursive: true });
  const realRoot = await realpath(root);
  const wanted = path.resolve(realRoot, directory);
  let existing = wanted;
  const missing: string[] = [];
  for (;;) {
    try {
      existing = await realpath(existing);
      break;
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) break;
      missing.unshift(path.basename(existing));
      existing = parent;
    }
  }
  const real = path.join(existing, ...missing);
  const relative = path.relative(realRoot, real);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    badInput(`settings.directory must be inside PAIDSYNC_DMP_ROOT (${realRoot}); it resolves to a path outside it`, {
      field: 'settings.directory',
    });
  }
  return path.isAbsolute(directory) ? directory : wanted;
}
