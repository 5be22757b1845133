/** `koppla connect fortnox`: the consent address, and the code from what the user pastes. */
import { describe, expect, it } from 'vitest';
import {
  codeFrom,
  DEFAULT_FORTNOX_SCOPES,
  fortnoxAuthorizationUrl,
} from '../../../runtime/cli/commands/connect.ts';

describe('connect fortnox', () => {
  it("builds Fortnox's consent address from the app's client id, scopes and a state", () => {
    const url = new URL(
      fortnoxAuthorizationUrl(
        { clientId: 'app-1', redirectUri: 'https://koppla.example/cb' },
        ['customer', 'invoice'],
        'st4te',
      ),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://apps.fortnox.se/oauth-v1/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'app-1',
      scope: 'customer invoice',
      state: 'st4te',
      access_type: 'offline',
      response_type: 'code',
      redirect_uri: 'https://koppla.example/cb',
    });
    // scopes are space separated, encoded as %20
    expect(url.search).toContain('scope=customer%20invoice');
    const service = new URL(
      fortnoxAuthorizationUrl(
        { clientId: 'a', flow: 'client_credentials', authUrl: 'http://127.0.0.1:9/' },
        DEFAULT_FORTNOX_SCOPES,
        's',
      ),
    );
    expect(service.origin).toBe('http://127.0.0.1:9');
    expect(service.searchParams.get('account_type')).toBe('service');
  });

  it('takes the code itself, or the address Fortnox sent the user to when its state matches', () => {
    expect(codeFrom('abc123', 'st')).toBe('abc123');
    expect(codeFrom('https://koppla.example/cb?code=abc123&state=st', 'st')).toBe('abc123');
    expect(() => codeFrom('https://koppla.example/cb?code=abc123&state=other', 'st')).toThrow(
      'another consent',
    );
    expect(() => codeFrom('https://koppla.example/cb?error=access_denied&state=st', 'st')).toThrow(
      'Fortnox refused the consent: access_denied',
    );
    expect(() => codeFrom('', 'st')).toThrow('no code given');
  });
});
