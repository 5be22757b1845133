/**
 * The admin page in Debian's chromium against a real worker, MongoDB and both sandboxes: the owner's
 * journey in English and in Swedish, and a shop owner who cannot see another tenant.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, SKIP_REASON } from './browser.ts';
import { startAdminPageDemo, type Stack } from '../../scripts/demo/admin-page.ts';
import { MESSAGES, ownerJourney, text } from './scenario.ts';

describe.skipIf(SKIP_REASON !== undefined)('the admin page in a browser', () => {
  let browser: Browser;
  const stacks: Stack[] = [];
  const stack = async (name: string) => {
    const started = await startAdminPageDemo(inject('mongoUri'), name);
    stacks.push(started);
    return started;
  };

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of stacks) await s.stop();
  });

  for (const lang of ['en', 'sv'] as const) {
    it(`connects, tunes, dry-runs, fixes and replays a failed order (${lang})`, async () => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      try {
        await ownerJourney(page, await stack(`journey_${lang}`), lang);
      } catch (error) {
        await screenshot(page, `${lang}-failure`);
        throw error;
      } finally {
        await context.close();
      }
    });
  }

  it('shows a shop owner their own tenant only, also when asked for another one (and on a phone)', async () => {
    const s = await stack('owner');
    const created = await s.api('POST', '/tenants/demo-shop/users', {
      username: 'owner@demobutiken.se',
      password: 'correct horse battery',
    });
    expect(created.status).toBe(201);
    const m = MESSAGES.sv;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      const page = await context.newPage();
      await page.addInitScript({ content: "localStorage.setItem('koppla.lang', 'sv')" });
      await page.goto(`${s.url}/admin/`);
      await page.getByLabel(text(m, 'signIn.username'), { exact: true }).fill('owner@demobutiken.se');
      await page.getByLabel(text(m, 'signIn.password'), { exact: true }).fill('wrong password here');
      await page.getByRole('button', { name: text(m, 'signIn.submit') }).click();
      await page.getByText(text(m, 'signIn.wrong')).waitFor();
      await page.getByLabel(text(m, 'signIn.password'), { exact: true }).fill('correct horse battery');
      await page.getByRole('button', { name: text(m, 'signIn.submit') }).click();
      await page.getByTestId('tenant-name').getByText('Demobutiken AB').waitFor();
      expect(await page.getByTestId('tenant-select').count()).toBe(0);
      await page.getByRole('heading', { level: 1, name: text(m, 'nav.health') }).waitFor();
      await screenshot(page, 'sv-phone-health');

      // what the page's own session may reach, asked from inside the page
      const answers = await page.evaluate(async () => {
        const csrf = ((await (await fetch('/admin/session')).json()) as { csrf: string }).csrf;
        const get = async (path: string) => (await fetch(`/admin/v1${path}`)).status;
        const list = (await (await fetch('/admin/v1/tenants')).json()) as { tenants: { id: string }[] };
        const patch = await fetch('/admin/v1/tenants/other-shop/toggles', {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
          body: JSON.stringify({ rules: { 'document-kind/already-paid': false } }),
        });
        const noCsrf = await fetch('/admin/v1/tenants/demo-shop/toggles', {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ rules: { 'document-kind/already-paid': false } }),
        });
        return {
          own: await get('/tenants/demo-shop'),
          other: await get('/tenants/other-shop'),
          otherRuns: await get('/tenants/other-shop/runs'),
          listed: list.tenants.map((t) => t.id),
          patchOther: patch.status,
          patchWithoutCsrf: noCsrf.status,
          createTenant: (
            await fetch('/admin/v1/tenants', {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
              body: JSON.stringify({ id: 'sneaky' }),
            })
          ).status,
        };
      });
      expect(answers).toEqual({
        own: 200,
        other: 404,
        otherRuns: 404,
        listed: ['demo-shop'],
        patchOther: 404,
        patchWithoutCsrf: 403,
        createTenant: 403,
      });
      // nothing of it reached the other tenant
      const toggles = await s.api<{ packs: { rules: { key: string; toggle: boolean | null }[] }[] }>(
        'GET',
        '/tenants/other-shop/toggles',
      );
      const rule = toggles.body.packs
        .flatMap((p) => p.rules)
        .find((r) => r.key === 'document-kind/already-paid');
      expect(rule?.toggle).toBeNull();
    } finally {
      await context.close();
    }
  });
});
