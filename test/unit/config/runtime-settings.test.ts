import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SettingsError,
  applyRuntimeSettings,
  loadRuntimeSettings,
} from '../../../runtime/config/runtime-settings.ts';

const KEY = Buffer.alloc(32, 1).toString('base64');

describe('runtime settings (schemas/runtime-settings.schema.json)', () => {
  it('reads the environment, typed', () => {
    expect(
      loadRuntimeSettings({
        MONGODB_URI: 'mongodb://db/koppla',
        KOPPLA_MASTER_KEY: KEY,
        KOPPLA_PORT: '9090',
        KOPPLA_OTEL_ENABLED: 'true',
        KOPPLA_RUN_LEASE: '90s',
      }),
    ).toEqual({
      mongodbUri: 'mongodb://db/koppla',
      masterKey: KEY,
      port: 9090,
      otelEnabled: true,
      runLease: '90s',
    });
  });

  it('names every bad setting at once, by the variable the operator wrote, without repeating secrets', () => {
    let error: SettingsError | undefined;
    try {
      loadRuntimeSettings({
        MONGODB_URI: 'postgres://secret-password@db',
        KOPPLA_PORT: 'eighty',
        KOPPLA_RUN_LEASE: 'soon',
        KOPPLA_LOG_LEVEL: 'loud',
        KOPPLA_MASTER_KEY: 'short',
      });
    } catch (e) {
      error = e as SettingsError;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const text = error!.message;
    expect(text).toContain('KOPPLA_PORT: "eighty" is not a whole number');
    expect(text).toMatch(/KOPPLA_RUN_LEASE: "soon" is not a duration/);
    expect(text).toMatch(/KOPPLA_LOG_LEVEL: "loud" must be equal to one of the allowed values/);
    expect(text).toMatch(/MONGODB_URI: must match pattern/);
    expect(text).toMatch(/KOPPLA_MASTER_KEY: must match pattern/);
    expect(text).not.toContain('secret-password');
    expect(error!.problems).toHaveLength(5);
  });

  it('reads a settings file under the environment, names its keys in errors, and exports it as defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'koppla-settings-'));
    const file = join(dir, 'settings.yaml');
    writeFileSync(file, 'mongodbUri: mongodb://file/koppla\nport: 7000\nprocessEvery: 2 s\n');
    const settings = loadRuntimeSettings({ KOPPLA_SETTINGS_FILE: file, KOPPLA_PORT: '7001' });
    expect(settings).toMatchObject({ mongodbUri: 'mongodb://file/koppla', port: 7001, processEvery: '2 s' });
    const env: NodeJS.ProcessEnv = { KOPPLA_PORT: '7001' };
    applyRuntimeSettings(settings, env);
    expect(env).toMatchObject({
      MONGODB_URI: 'mongodb://file/koppla',
      KOPPLA_PORT: '7001',
      KOPPLA_PROCESS_EVERY: '2 s',
    });

    writeFileSync(file, 'port: 99999\nmongoUri: x\n');
    expect(() => loadRuntimeSettings({ KOPPLA_SETTINGS_FILE: file })).toThrow(
      `${file}: port: "99999" must be <= 65535`,
    );
    expect(() => loadRuntimeSettings({ KOPPLA_SETTINGS_FILE: file })).toThrow(
      `${file}: mongoUri: unknown setting`,
    );
  });
});
