/**
 * Where the Fortnox contract suite runs: always against the sandbox; also against real Fortnox (or any
 * Fortnox-compatible endpoint via FORTNOX_API_URL / FORTNOX_AUTH_URL) when FORTNOX_CLIENT_ID,
 * FORTNOX_CLIENT_SECRET and FORTNOX_REFRESH_TOKEN are set.
 */
import type { Logger, OperationContext } from '../../../core/plugin-api/index.ts';
import type { FortnoxSettings } from '../../../connectors/fortnox/client/index.ts';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function contextFor(
  settings: FortnoxSettings,
  tenantId = 'tenant-a',
): OperationContext<FortnoxSettings> {
  return { tenantId, settings, signal: new AbortController().signal, logger: silentLogger };
}

export const FAST_RETRY = { retries: 4, minTimeoutMs: 5, maxTimeoutMs: 20, factor: 2, randomize: true };

const { FORTNOX_CLIENT_ID, FORTNOX_CLIENT_SECRET, FORTNOX_REFRESH_TOKEN } = process.env;

export const realSettings: FortnoxSettings | undefined =
  FORTNOX_CLIENT_ID && FORTNOX_CLIENT_SECRET && FORTNOX_REFRESH_TOKEN
    ? {
        clientId: FORTNOX_CLIENT_ID,
        clientSecret: FORTNOX_CLIENT_SECRET,
        refreshToken: FORTNOX_REFRESH_TOKEN,
        ...(process.env.FORTNOX_API_URL ? { apiUrl: process.env.FORTNOX_API_URL } : {}),
        ...(process.env.FORTNOX_AUTH_URL ? { authUrl: process.env.FORTNOX_AUTH_URL } : {}),
      }
    : undefined;

export const REAL_SKIP_REASON =
  'Fortnox contract tests against the real service are skipped: set FORTNOX_CLIENT_ID, FORTNOX_CLIENT_SECRET and FORTNOX_REFRESH_TOKEN (optionally FORTNOX_API_URL, FORTNOX_AUTH_URL) to run them. The refresh token is single use: the suite spends it and writes the new one to the file named by FORTNOX_REFRESH_TOKEN_OUT.';
