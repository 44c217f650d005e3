// PostgreSQL refuses to run as root, so a root process runs the embedded one as the `postgres` system
// user. That user must reach the binaries and the cluster; from a private directory (/root/app, mode
// 700, the usual VM or container) it reaches neither, so they are placed under /var/lib/paidsync:
// the binaries as hard links (a copy across file systems), the cluster with a link to it in the data
// directory.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, link, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { StartupError } from '../startFailure.ts';

const run = promisify(execFile);

/** Where files the postgres user must reach go when the data directory is out of its reach. */
export const SYSTEM_DIR = '/var/lib/paidsync';

export interface SystemUser {
  uid: number;
  gid: number;
}

export async function postgresSystemUser(): Promise<SystemUser> {
  const lookUp = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await lookUp();
  } catch {
    // no such user yet
  }
  try {
    await run('groupadd', ['--system', 'postgres']).catch(() => {}); // it may exist without the user
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return await lookUp();
  } catch {
    throw new StartupError(
      'running as root, the embedded PostgreSQL needs a `postgres` system user and none could be created',
      'create one (useradd --system postgres), run paidsync as a normal user, or set DATABASE_URL',
    );
  }
}

/** Whether `user` can open `dir` (traverse every parent, then read and search it). */
export function canReach(dir: string, user: SystemUser): boolean {
  const probe = spawnSync('/bin/sh', ['-c', 'test -r "$1" && test -x "$1"', 'sh', dir], { uid: user.uid, gid: user.gid });
  return probe.status === 0;
}

/**
 * The PostgreSQL installation (bin/, lib/, share/) where `user` can run it: in place when it can,
 * else linked once per version under SYSTEM_DIR.
 */
export async function reachableInstallation(installDir: string, user: SystemUser): Promise<string> {
  if (canReach(path.join(installDir, 'lib'), user) && canReach(path.join(installDir, 'share'), user)) return installDir;
  const { version } = JSON.parse(await readFile(path.join(installDir, '..', 'package.json'), 'utf8')) as { version: string };
  const target = path.join(SYSTEM_DIR, `postgres-${version}`);
  if (await exists(target)) return target;
  await mkdir(SYSTEM_DIR, { recursive: true, mode: 0o755 });
  // built under a temporary name and renamed: a half-linked tree is never taken for a whole one
  const building = `${target}.${process.pid}.tmp`;
  await rm(building, { recursive: true, force: true });
  await linkTree(installDir, building);
  try {
    await rename(building, target);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    if (!(await exists(target))) throw error; // another process finished first: use theirs
  }
  return target;
}

async function linkTree(from: string, to: string) {
  await mkdir(to, { mode: 0o755 });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isDirectory()) await linkTree(source, dest);
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), dest);
    else await link(source, dest).catch(() => copyFile(source, dest));
  }
}

/**
 * The cluster directory for a data directory the postgres user cannot reach: under SYSTEM_DIR, with
 * `<dataDir>/pg` a symbolic link to it so the data directory still says where its database is.
 */
export async function relocatedCluster(dataDir: string): Promise<string> {
  const linkPath = path.join(dataDir, 'pg');
  const current = await lstat(linkPath).catch(() => null);
  if (current?.isSymbolicLink()) return path.resolve(dataDir, await readlink(linkPath));
  if (current) {
    if (await exists(path.join(linkPath, 'PG_VERSION'))) {
      throw new StartupError(
        `the embedded database in ${linkPath} is out of reach of the postgres user (a parent directory is private)`,
        `move the project to a directory other users may traverse, run paidsync as a normal user, or set DATABASE_URL`,
      );
    }
    await rm(linkPath, { recursive: true, force: true }); // an empty leftover of a failed first start
  }
  const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  const cluster = path.join(SYSTEM_DIR, 'clusters', id, 'pg');
  await mkdir(path.dirname(cluster), { recursive: true, mode: 0o755 });
  await symlink(cluster, linkPath);
  return cluster;
}

async function exists(file: string) {
  return lstat(file).then(
    () => true,
    () => false,
  );
}
