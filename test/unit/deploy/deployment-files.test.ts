/**
 * The production deployment files, checked without a Docker daemon (none runs where the suite
 * runs): docker-compose.yml parsed as YAML, the Dockerfile read instruction by instruction, and every
 * setting they pass checked against the runtime settings schema.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTING_ENV, loadRuntimeSettings } from '../../../runtime/config/runtime-settings.ts';
import { parseDuration } from '../../../core/config/index.ts';

const file = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  user?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  ports?: string[];
  restart?: string;
}

const compose = parse(file('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const dockerfile = file('Dockerfile');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => /^[A-Z]+\s/.test(line));

describe('docker-compose.yml', () => {
  const services = compose.services;

  it('runs a 3-member MongoDB replica set, initiated once by an init container', () => {
    const members = ['mongo-1', 'mongo-2', 'mongo-3'];
    for (const name of members) {
      expect(services[name]?.command).toEqual(['mongod', '--replSet', 'rs0', '--bind_ip_all']);
      expect(services[name]?.healthcheck?.test.join(' ')).toMatch(/ping/);
    }
    const init = services['mongo-init'];
    expect(init?.restart).toBe('no');
    for (const name of members) expect(init?.depends_on?.[name]?.condition).toBe('service_healthy');
    const script = (init?.command as string[]).join(' ');
    for (const name of members) expect(script).toContain(`host: '${name}:27017'`);
    expect(script).toMatch(/rs\.initiate\(\{ _id: 'rs0'/);
  });

  it('runs two koppla serve workers on the replica set, non-root, with a /healthz healthcheck and a drain period', () => {
    const workers = Object.entries(services).filter(
      ([, s]) => (s.command as string[] | undefined)?.[0] === 'serve',
    );
    expect(workers.map(([name]) => name).sort()).toEqual(['koppla-1', 'koppla-2']);
    for (const [, worker] of workers) {
      expect(worker.user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      expect(worker.healthcheck?.test.join(' ')).toContain('/healthz');
      expect(worker.depends_on?.['mongo-init']?.condition).toBe('service_completed_successfully');
      expect(worker.environment?.MONGODB_URI).toBe(
        'mongodb://mongo-1:27017,mongo-2:27017,mongo-3:27017/koppla?replicaSet=rs0',
      );
      // SIGKILL comes only after the runtime's own drain timeout
      const grace = parseDuration(String(worker.stop_grace_period).replace(/m$/, ' minutes')) ?? 0;
      const drain = parseDuration(worker.environment?.KOPPLA_SHUTDOWN_TIMEOUT ?? '') ?? Infinity;
      expect(grace).toBeGreaterThan(drain);
    }
    expect(new Set(workers.flatMap(([, w]) => w.ports ?? [])).size).toBe(2);
  });

  it('passes only known settings, and valid ones', () => {
    const known = new Set(Object.values(SETTING_ENV));
    for (const [, service] of Object.entries(services)) {
      const env = service.environment ?? {};
      if (!Object.keys(env).some((k) => k.startsWith('KOPPLA_'))) continue;
      for (const name of Object.keys(env)) expect(known, name).toContain(name);
      const concrete = Object.fromEntries(
        Object.entries(env).map(([k, v]) =>
          // ${VAR:?…} / ${VAR:-} are the operator's: stand in valid values
          [
            k,
            v.startsWith('${')
              ? k === 'KOPPLA_MASTER_KEY'
                ? Buffer.alloc(32, 7).toString('base64')
                : ''
              : v,
          ],
        ),
      );
      expect(() => loadRuntimeSettings(concrete)).not.toThrow();
    }
  });
});

describe('Dockerfile', () => {
  it('builds in stages and runs the last one as an unprivileged user', () => {
    const stages = instructions.filter((i) => i.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.at(-1)).toMatch(/ AS runtime$/);
    const lastStage = instructions.slice(instructions.lastIndexOf(stages.at(-1)!));
    const user = lastStage.filter((i) => i.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/USER (root|0)\b/);
    expect(lastStage.some((i) => /^COPY --from=build /.test(i))).toBe(true);
  });

  it('checks /healthz, drains on SIGTERM and starts koppla serve', () => {
    expect(instructions.find((i) => i.startsWith('HEALTHCHECK '))).toContain('/healthz');
    expect(instructions).toContain('STOPSIGNAL SIGTERM');
    expect(instructions).toContain('ENTRYPOINT ["node", "runtime/cli/bin.js"]');
    expect(instructions.find((i) => i.startsWith('CMD '))).toContain('"serve"');
  });

  it('keeps secrets, dependencies and the repository out of the build context (.dockerignore)', () => {
    const ignored = file('.dockerignore').split('\n');
    for (const entry of ['.git', 'node_modules', '.env', 'koppla.yaml']) expect(ignored).toContain(entry);
  });

  it('is referenced from the README with docs/operations.md', () => {
    const readme = file('README.md');
    for (const name of ['Dockerfile', 'docker-compose.yml', 'docs/operations.md'])
      expect(readme).toContain(name);
  });
});
