/**
 * A PostgreSQL server for tests and the bench: the one `IMBRIDGE_TEST_POSTGRES_URL` names, or a
 * throwaway cluster (initdb + pg_ctl) in a temporary folder on a free loopback port, stopped and
 * removed afterwards. initdb refuses to run as root, so as root the cluster belongs to the
 * `postgres` system user (Debian's package creates it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync, chownSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface PostgresServer {
  /** A superuser URL to the `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

/** The folder holding initdb and pg_ctl: on PATH, or Debian's versioned folder, newest first. */
function binaries(): string {
  for (const folder of (process.env.PATH ?? '').split(':')) if (folder && existsSync(join(folder, 'initdb'))) return folder;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'initdb')));
    versions.sort((first, second) => Number(second) - Number(first));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  throw new Error('PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql); install it (Debian: apt-get install postgresql) or set IMBRIDGE_TEST_POSTGRES_URL');
}

export async function startPostgresCluster(): Promise<PostgresServer> {
  const folder = binaries();
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-postgres-'));
  const data = join(directory, 'data');
  const asRoot = userInfo().uid === 0;
  // As root every command runs as `postgres`, which must own the folder.
  const command = async (binary: string, args: string[]) => {
    const file = join(folder, binary);
    if (asRoot) await run('runuser', ['-u', 'postgres', '--', file, ...args], { cwd: directory });
    else await run(file, args, { cwd: directory });
  };
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    chownSync(directory, uid, gid);
  }
  chmodSync(directory, 0o700);
  // A UTF-8 ctype, whatever the caller's environment: under the C locale lower() folds ASCII only.
  await command('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  await command('pg_ctl', [
    '-D',
    data,
    '-l',
    join(directory, 'server.log'),
    '-w',
    '-o',
    // Durability off: a test cluster is thrown away, and fsync costs most of a write's time.
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['postgres']);
  const uid = /uid=(\d+)/.exec(stdout);
  const gid = /gid=(\d+)/.exec(stdout);
  if (!uid || !gid) throw new Error('running as root, but there is no "postgres" user to run PostgreSQL as');
  return { uid: Number(uid[1]), gid: Number(gid[1]) };
}

/** The server tests use: `IMBRIDGE_TEST_POSTGRES_URL` if set, else a throwaway cluster. */
export async function testPostgresServer(): Promise<PostgresServer> {
  const given = process.env.IMBRIDGE_TEST_POSTGRES_URL;
  if (given) return { url: given, stop: async () => undefined };
  return startPostgresCluster();
}

/** A new, empty database on `serverUrl` and a URL to it; `drop` removes it (closing what still uses it). */
export async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `imbridge_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
