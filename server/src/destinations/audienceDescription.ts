// What paidsync writes in the description of every audience it creates (where the network has
// descriptions), so a lookup by name before creating reuses only audiences paidsync made, never one
// made by hand under the same name (which the sync would then fill and empty).
const PAIDSYNC_MARK = 'Synced by paidsync';

export function audienceDescription(name: string): string {
  return `${PAIDSYNC_MARK} from "${name}"`;
}

export function madeByPaidsync(description: unknown): boolean {
  return typeof description === 'string' && description.startsWith(PAIDSYNC_MARK);
}
