import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort, spawnWatched, waitForPing } from './child-process.ts';
import type { ProvisionedMongo } from './provisioned-mongo.ts';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
/** Databases this provisioner creates are named koppla_t_<pid>_<random>, so stale ones can be found. */
const PG_DATABASE_PREFIX = 'koppla_t_';

function log(message: string): void {
  process.stderr.write(`[koppla db] ${message}\n`);
}

function goEnv(name: string): string {
  return execFileSync('go', ['env', name], { encoding: 'utf8' }).trim();
}

/**
 * Returns a FerretDB binary, building it once from the Go module proxy.
 *
 * `go install …/cmd/ferretdb@v1.24.2` produces a binary that panics at start: the module zip lacks the
 * generated build/version/version.txt. So we copy the module source out of the read-only module
 * cache, write that one file, and `go build` there. The result is cached in the Go bin dir under a
 * versioned name.
 */
export function ensureFerretDbBinary(): string {
  const override = process.env.KOPPLA_FERRETDB_BIN;
  if (override) {
    if (!existsSync(override))
      throw new Error(`KOPPLA_FERRETDB_BIN points to ${override}, which does not exist`);
    return override;
  }
  let gopath: string;
  try {
    gopath = goEnv('GOPATH');
  } catch {
    throw new Error('Go is not installed (needed once, to build FerretDB)');
  }
  const binDir = goEnv('GOBIN') || join(gopath, 'bin');
  const binary = join(binDir, `ferretdb-${FERRETDB_VERSION}`);
  if (existsSync(binary)) return binary;

  log(`building FerretDB ${FERRETDB_VERSION} from its Go module (first run only; takes a few minutes)…`);
  const started = Date.now();
  const download = spawnSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (download.status !== 0)
    throw new Error(`go mod download failed:\n${download.stderr || download.stdout}`);
  const moduleDir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new Error(`go mod download did not report a module directory:\n${download.stdout}`);

  const work = mkdtempSync(join(tmpdir(), 'koppla-ferretdb-src-'));
  try {
    const source = join(work, 'src');
    cpSync(moduleDir, source, { recursive: true });
    // module-cache files are read-only; the copy must be writable (and removable afterwards)
    spawnSync('chmod', ['-R', 'u+w', source]);
    writeFileSync(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    mkdirSync(binDir, { recursive: true });
    const partial = `${binary}.partial-${process.pid}`;
    const build = spawnSync('go', ['build', '-trimpath', '-o', partial, './cmd/ferretdb'], {
      cwd: source,
      encoding: 'utf8',
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    });
    if (build.status !== 0) throw new Error(`building FerretDB failed:\n${build.stderr || build.stdout}`);
    // rename is atomic: a parallel run sees either no binary or a complete one
    renameSync(partial, binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`built ${binary} in ${Math.round((Date.now() - started) / 1000)}s`);
  return binary;
}

interface PostgresTarget {
  host: string;
  port: string;
  user: string | undefined;
}

function postgresTarget(): PostgresTarget {
  return {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: process.env.PGPORT ?? '5432',
    user: process.env.PGUSER,
  };
}

function pgArgs(pg: PostgresTarget): string[] {
  return ['-h', pg.host, '-p', pg.port, ...(pg.user ? ['-U', pg.user] : [])];
}

function pgCommand(command: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 15_000 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops databases left behind by runs that were killed before they could clean up. */
function dropStaleDatabases(pg: PostgresTarget): void {
  const list = pgCommand('psql', [
    ...pgArgs(pg),
    '-d',
    'postgres',
    '-Atc',
    `select datname from pg_database where datname like '${PG_DATABASE_PREFIX}%'`,
  ]);
  if (!list.ok) return;
  for (const name of list.output.split('\n').filter(Boolean)) {
    const pid = Number(name.slice(PG_DATABASE_PREFIX.length).split('_')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid))
      pgCommand('dropdb', [...pgArgs(pg), '--if-exists', name]);
  }
}

/** Creates a fresh PostgreSQL database for this run; undefined when no PostgreSQL answers. */
function createPostgresDatabase(pg: PostgresTarget): string | undefined {
  const ready = pgCommand('pg_isready', pgArgs(pg));
  if (!ready.ok) return undefined;
  dropStaleDatabases(pg);
  const name = `${PG_DATABASE_PREFIX}${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const created = pgCommand('createdb', [...pgArgs(pg), name]);
  if (!created.ok) {
    log(`PostgreSQL answers but createdb failed (${created.output}); falling back to SQLite`);
    return undefined;
  }
  return name;
}

export async function startFerretDb(): Promise<ProvisionedMongo> {
  const binary = ensureFerretDbBinary();
  const stateDir = mkdtempSync(join(tmpdir(), 'koppla-ferretdb-'));
  const pg = postgresTarget();
  const pgDatabase = createPostgresDatabase(pg);
  const port = await freeLoopbackPort();
  const handlerArgs = pgDatabase
    ? [
        '--handler=postgresql',
        `--postgresql-url=postgres://${pg.user ? `${encodeURIComponent(pg.user)}@` : ''}${pg.host}:${pg.port}/${pgDatabase}`,
      ]
    : ['--handler=sqlite', `--sqlite-url=file:${join(stateDir, 'data')}/`];
  if (!pgDatabase) mkdirSync(join(stateDir, 'data'));

  const server = spawnWatched(
    binary,
    [
      `--listen-addr=127.0.0.1:${port}`,
      ...handlerArgs,
      `--state-dir=${stateDir}`,
      '--telemetry=disable',
      '--debug-addr=-',
      '--log-level=warn',
    ],
    join(stateDir, 'ferretdb.log'),
  );
  const uri = `mongodb://127.0.0.1:${port}/`;
  const cleanUp = async () => {
    await server.stop();
    if (pgDatabase) pgCommand('dropdb', [...pgArgs(pg), '--if-exists', pgDatabase]);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await waitForPing(uri, server);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return {
    uri,
    source: pgDatabase ? 'ferretdb-postgresql' : 'ferretdb-sqlite',
    description: `FerretDB ${FERRETDB_VERSION} on ${pgDatabase ? `PostgreSQL database ${pgDatabase}` : 'SQLite'}, ${uri}`,
    stop: cleanUp,
  };
}
