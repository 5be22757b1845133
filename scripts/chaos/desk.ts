/**
 * "The person working in Fortnox" during the chaos run: changes stock and article names, cancels
 * open orders — straight to the Fortnox sandbox (not through the fault proxy), with a refresh token
 * of their own, as another Fortnox integration or a person in Fortnox's web app would.
 */
import { DEFAULT_CLIENT } from '../../connectors/fortnox/sandbox/index.ts';

export const DESK_REFRESH_TOKEN = 'chaos-desk-refresh-token';

export interface FortnoxDesk {
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
}

export function fortnoxDesk(url: string): FortnoxDesk {
  let token: string | undefined;
  let refresh = DESK_REFRESH_TOKEN;
  const basic = Buffer.from(`${DEFAULT_CLIENT.clientId}:${DEFAULT_CLIENT.clientSecret}`).toString('base64');
  const accessToken = async (): Promise<string> => {
    if (token) return token;
    const response = await fetch(`${url}/oauth-v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refresh)}`,
    });
    if (!response.ok) throw new Error(`desk: token refresh answered ${response.status}`);
    const body = (await response.json()) as { access_token: string; refresh_token: string };
    refresh = body.refresh_token;
    token = body.access_token;
    return token;
  };
  return {
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      let refreshed = false;
      for (let attempt = 0; ; attempt++) {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: `Bearer ${await accessToken()}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        // the access token ran out: one refresh per call
        if (response.status === 401 && !refreshed) {
          refreshed = true;
          token = undefined;
          continue;
        }
        // the desk shares Fortnox's request budget with Koppla: wait like a person would
        if (response.status === 429 && attempt < 20) {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          continue;
        }
        if (!response.ok) throw new Error(`desk: ${method} ${path} answered ${response.status}: ${text}`);
        return (text ? JSON.parse(text) : {}) as T;
      }
    },
  };
}
