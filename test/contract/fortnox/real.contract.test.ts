import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuthError, NotFoundError, ValidationError } from '../../../core/plugin-api/index.ts';
import {
  FortnoxClient,
  InMemoryTokenStore,
  defaultClientDeps,
  listPages,
  refreshTokenPair,
  type TokenPair,
} from '../../../connectors/fortnox/client/index.ts';
import { FAST_RETRY, REAL_SKIP_REASON, realSettings } from './target.ts';

if (!realSettings) console.info(REAL_SKIP_REASON);

// Runs only with real credentials; read-only apart from the token rotation (and one refused create).
describe.skipIf(!realSettings)('Fortnox contract (real service)', () => {
  // The describe body runs even when skipped, so nothing here may assume credentials.
  const settings = realSettings ?? { clientId: '', clientSecret: '', refreshToken: '' };
  const tokenStore = new InMemoryTokenStore();
  const KEY = `fortnox:${settings.clientId}:real`;
  let pair: TokenPair;

  it('rotates the refresh token; the old one is refused with invalid_grant', async () => {
    pair = await refreshTokenPair(settings, settings.refreshToken!, { fetch, now: Date.now });
    expect(pair.refreshToken).toBeDefined();
    if (process.env.FORTNOX_REFRESH_TOKEN_OUT)
      writeFileSync(process.env.FORTNOX_REFRESH_TOKEN_OUT, pair.refreshToken!);
    else console.info('FORTNOX_REFRESH_TOKEN_OUT is not set: the new refresh token is not saved anywhere.');
    const reuse = await refreshTokenPair(settings, settings.refreshToken!, { fetch, now: Date.now }).catch(
      (e: unknown) => e,
    );
    expect(reuse).toBeInstanceOf(AuthError);
    await tokenStore.save(KEY, pair);
  });

  const client = () =>
    new FortnoxClient(
      { ...settings, refreshToken: undefined },
      'real',
      defaultClientDeps({ tokenStore, retry: FAST_RETRY }),
    );

  it('maps a 404 to NotFoundError with Fortnox code 2000439', async () => {
    const error = await client()
      .request('GET', '/3/orders/123456789')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('2000439');
  });

  it('maps a too-long field to a ValidationError with a Fortnox code', async () => {
    const error = await client()
      .request('POST', '/3/customers', {
        body: { Customer: { Name: 'Koppla contract test', ZipCode: '123456789012' } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toMatch(/^\d+$/);
    console.info(
      `real Fortnox too-long answer: code ${(error as ValidationError).code}, field ${(error as ValidationError).field ?? '(not named)'}: ${(error as Error).message}`,
    );
  });

  it('pages customers with limit=1 and stops after @TotalPages', async () => {
    let pages = 0;
    for await (const page of listPages(client(), '/3/customers', 'Customers', { limit: 1 })) {
      pages++;
      expect(page.meta['@CurrentPage']).toBe(pages);
      if (pages === 3) break;
    }
    expect(pages).toBeGreaterThan(0);
  });
});
