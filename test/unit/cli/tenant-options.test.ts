/** How `koppla tenants add|set` reads its options; secrets are never taken from the command line. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  parseParamOptions,
  parsePipelineAdds,
  parsePipelineChanges,
  parseSecretOptions,
  parseSettingOptions,
  parseToggleOptions,
  parseUnsetOptions,
} from '../../../runtime/cli/tenant-options.ts';
import { readSecrets } from '../../../runtime/cli/commands/tenants.ts';
import { TerminalInput } from '../../../runtime/cli/terminal-input.ts';

describe('tenant options', () => {
  it('toggles: packs and single rules, on, off and back to the default', () => {
    expect(
      parseToggleOptions(['se-vat=off', 'document-kind/paid-by-card=on', 'bas-accounts=default']),
    ).toEqual({
      packs: { 'se-vat': false, 'bas-accounts': null },
      rules: { 'document-kind/paid-by-card': true },
    });
    expect(() => parseToggleOptions(['se-vat'])).toThrow('--toggle se-vat: write <pack>=on|off|default');
  });

  it('params and settings: JSON when it parses, else text; the first dot splits', () => {
    expect(
      parseParamOptions([
        'se-vat.ossRegistered=true',
        'document-kind.cardMethods=["stripe","klarna"]',
        'x.note=hej',
      ]),
    ).toEqual({
      'se-vat': { ossRegistered: true },
      'document-kind': { cardMethods: ['stripe', 'klarna'] },
      x: { note: 'hej' },
    });
    expect(parseSettingOptions(['shop.url=https://shop.example/wp', 'ledger.timeoutMs=5000'])).toEqual({
      shop: { url: 'https://shop.example/wp' },
      ledger: { timeoutMs: 5000 },
    });
    expect(() => parseSettingOptions(['url=https://x'])).toThrow(
      '--setting url: write <connection>.<key>=<value>',
    );
    expect(parseUnsetOptions(['shop.url'], '--unset-setting')).toEqual({ shop: { url: null } });
    expect(() => parseUnsetOptions(['shop.url=x'], '--unset-setting')).toThrow('without a value');
  });

  it('secrets: from stdin or an environment variable, never a value on the command line', () => {
    expect(parseSecretOptions(['ledger.clientSecret', 'shop.consumerKey=env:WOO_KEY'])).toEqual([
      { connection: 'ledger', key: 'clientSecret' },
      { connection: 'shop', key: 'consumerKey', env: 'WOO_KEY' },
    ]);
    let message = '';
    try {
      parseSecretOptions(['ledger.clientSecret=hunter2']);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('a value on the command line would stay in the shell history');
    expect(message).not.toContain('hunter2');
  });

  it('pipelines: a file with its interval; a change by id', () => {
    expect(parsePipelineAdds(['pipelines/a.yaml', 'pipelines/b.yaml=5 minutes'])).toEqual([
      { pipeline: 'pipelines/a.yaml' },
      { pipeline: 'pipelines/b.yaml', every: '5 minutes' },
    ]);
    expect(parsePipelineChanges(['a=off', 'b=on', 'c=PT10M', 'd=default'])).toEqual([
      { pipeline: 'a', patch: { enabled: false } },
      { pipeline: 'b', patch: { enabled: true } },
      { pipeline: 'c', patch: { every: 'PT10M' } },
      { pipeline: 'd', patch: { every: null } },
    ]);
  });

  it('reads secrets from piped stdin lines in order, and from the environment', async () => {
    const stdin = new PassThrough();
    stdin.end('first-secret\nsecond-secret\n');
    const prompts = new PassThrough();
    const secrets = await readSecrets(
      parseSecretOptions(['a.one', 'b.two=env:TWO', 'a.three']),
      new TerminalInput(stdin, prompts),
      { TWO: 'from-env' },
    );
    expect(secrets).toEqual({ a: { one: 'first-secret', three: 'second-secret' }, b: { two: 'from-env' } });
    await expect(
      readSecrets(parseSecretOptions(['a.x=env:MISSING']), new TerminalInput(stdin, prompts), {}),
    ).rejects.toThrow('secret a.x: $MISSING is not set');
  });

  it('prompts on a terminal without echoing a secret', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    let shown = '';
    const prompts = new PassThrough();
    prompts.on('data', (chunk) => (shown += String(chunk)));
    const answer = new TerminalInput(stdin, prompts).ask('ledger.clientSecret: ', { hidden: true });
    stdin.write('s3cr');
    stdin.write('et\u007f!\r');
    expect(await answer).toBe('s3cre!');
    expect(shown).toBe('ledger.clientSecret: \n');
  });
});
