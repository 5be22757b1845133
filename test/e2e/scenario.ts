/**
 * The shop owner's main journey on the admin page, in one language: sign in, connect WooCommerce
 * (a wrong secret first) and Fortnox (the consent round trip), dry-run, switch a rule off and see
 * the next dry run change, run the flow, open the order that failed, fix its cause in the Fortnox
 * sandbox, replay it and see it go through.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { SANDBOX_CONSUMER_KEY, SANDBOX_CONSUMER_SECRET } from '../../connectors/woocommerce/sandbox/index.ts';
import en from '../../admin-ui/src/i18n/en.json' with { type: 'json' };
import sv from '../../admin-ui/src/i18n/sv.json' with { type: 'json' };
import { screenshot, until } from './browser.ts';
import { FAILING_ORDER, type Stack } from '../../scripts/demo/admin-page.ts';

export type Messages = Readonly<Record<string, string>>;
export const MESSAGES: Readonly<Record<'en' | 'sv', Messages>> = { en, sv };

/** A message with its {values} filled in, as the page shows it. */
export function text(m: Messages, key: string, values: Record<string, string | number> = {}): string {
  const template = m[key];
  if (template === undefined) throw new Error(`no message ${key}`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));
}

/** The rule switched off: prepaid orders then get no invoice registered as paid. */
export const RULE = 'document-kind/already-paid';

export async function signInAsOperator(
  page: Page,
  stack: Stack,
  m: Messages,
  lang: 'en' | 'sv',
): Promise<void> {
  await page.addInitScript({ content: `localStorage.setItem('koppla.lang', '${lang}')` });
  await page.goto(`${stack.url}/admin/`);
  await page.getByRole('heading', { name: text(m, 'signIn.title') }).waitFor();
  await screenshot(page, `${lang}-sign-in`);
  await page.getByLabel(text(m, 'signIn.withKey')).check();
  await page.getByLabel(text(m, 'signIn.apiKey'), { exact: true }).fill(stack.operatorKey);
  await page.getByRole('button', { name: text(m, 'signIn.submit') }).click();
  await page.getByRole('navigation').waitFor();
  await page.getByTestId('tenant-select').selectOption('demo-shop');
}

async function go(page: Page, m: Messages, screen: string): Promise<void> {
  await page
    .getByRole('navigation')
    .getByRole('link', { name: text(m, `nav.${screen}`) })
    .click();
  await page.getByRole('heading', { level: 1, name: text(m, `nav.${screen}`) }).waitFor();
}

async function dryRunSummary(page: Page, m: Messages): Promise<{ summary: string; payloads: string }> {
  await go(page, m, 'activity');
  const result = page.getByTestId('dry-run');
  const before = (await result.count()) > 0 ? await result.textContent() : null;
  await page.getByRole('button', { name: text(m, 'dryRun.run'), exact: true }).click();
  await until('the dry run', async () => {
    const now = (await result.count()) > 0 ? await result.textContent() : null;
    return now !== null && now !== before ? true : undefined;
  });
  return {
    summary: (await result.getByRole('status').textContent()) ?? '',
    payloads: (await result.textContent()) ?? '',
  };
}

export async function ownerJourney(page: Page, stack: Stack, lang: 'en' | 'sv'): Promise<void> {
  const m = MESSAGES[lang];
  await signInAsOperator(page, stack, m, lang);

  // --- Connect: WooCommerce with a wrong secret, then the right one; Fortnox through its consent page
  await go(page, m, 'connect');
  const woo = page.getByTestId('woo-form');
  await woo.getByLabel(text(m, 'connect.woo.key')).fill(SANDBOX_CONSUMER_KEY);
  await woo.getByLabel(text(m, 'connect.woo.secret')).fill('cs_not_the_right_secret');
  await woo.getByRole('button', { name: text(m, 'connect.woo.test') }).click();
  await page.getByText(text(m, 'notice.wrong_secret')).waitFor();
  await woo.getByLabel(text(m, 'connect.woo.key')).fill(SANDBOX_CONSUMER_KEY);
  await woo.getByLabel(text(m, 'connect.woo.secret')).fill(SANDBOX_CONSUMER_SECRET);
  await woo.getByRole('button', { name: text(m, 'connect.woo.test') }).click();
  await page.getByText(text(m, 'connect.woo.ok', { url: stack.woo.url })).waitFor();

  await page.getByTestId('fortnox-status').getByText(text(m, 'connect.fortnox.notConnected')).waitFor();
  await page.getByRole('button', { name: text(m, 'connect.fortnox.connect') }).click();
  // to the sandbox's consent page and straight back with the code
  await page.getByText(text(m, 'connect.fortnox.connected', { company: 'Koppla Sandbox AB' })).waitFor();
  expect(page.url()).toBe(`${stack.url}/admin/connect`); // the code is out of the address bar
  await expect(page.getByText(text(m, 'notice.lager_off'))).toBeDefined();
  await screenshot(page, `${lang}-connect`);

  // --- a dry run, a rule switched off, the next dry run differs
  const baseline = await dryRunSummary(page, m);
  expect(baseline.summary).toBe(text(m, 'dryRun.summary', { read: 6, processed: 6, failed: 0, refused: 31 }));
  await go(page, m, 'rules');
  const ruleSwitch = page.getByTestId(`rule-${RULE}`);
  await page.getByTestId(`pack-document-kind`).waitFor();
  await ruleSwitch.locator('xpath=ancestor::details').locator('summary').click();
  expect(await ruleSwitch.isChecked()).toBe(true);
  await ruleSwitch.uncheck();
  await page.getByTestId('changes').getByText(`toggles.rules.${RULE}`).first().waitFor();
  await screenshot(page, `${lang}-rules`);
  const after = await dryRunSummary(page, m);
  expect(after.summary).not.toBe(baseline.summary);
  const payments = (s: string) => s.split('ledger.invoicePayments.create').length - 1;
  expect(payments(after.payloads)).toBeLessThan(payments(baseline.payloads));
  // back on, for the real run
  await go(page, m, 'rules');
  await page.getByTestId(`rule-${RULE}`).locator('xpath=ancestor::details').locator('summary').click();
  await page.getByTestId(`rule-${RULE}`).check();
  await until('the rule back on', async () =>
    (await page.getByTestId(`rule-${RULE}`).isChecked()) ? true : undefined,
  );

  // --- the real run, from the Flows screen
  await go(page, m, 'flows');
  // a flow's own options: product fields to write, the stock points to read
  const products = page.getByRole('region', { name: text(m, 'flow.products-to-woocommerce') });
  await products.getByLabel(text(m, 'flows.field.weight'), { exact: true }).uncheck();
  await products.getByRole('button', { name: text(m, 'flows.saveOptions') }).click();
  await products.getByText(text(m, 'flows.optionsSaved')).waitFor();
  const stock = page.getByRole('region', { name: text(m, 'flow.stock-to-woocommerce') });
  await stock.getByLabel(text(m, 'flows.stockPoints')).fill('LAGER1, LAGER2');
  await stock.getByRole('button', { name: text(m, 'flows.saveOptions') }).click();
  await until('the options stored', async () => {
    const { body } = await stack.api<{
      params: Record<string, { fields?: Record<string, boolean> }>;
      connections: Record<string, { settings: { streams?: { stock?: { stockPoints?: string[] } } } }>;
    }>('GET', '/tenants/demo-shop');
    const stockPoints = body.connections.ledger?.settings.streams?.stock?.stockPoints;
    return body.params['products-to-woocommerce']?.fields?.weight === false && stockPoints?.length === 2
      ? true
      : undefined;
  });
  await screenshot(page, `${lang}-flows`);
  await page
    .getByRole('button', { name: text(m, 'flows.runNow') })
    .first()
    .click();
  await page.getByText(text(m, 'flows.queued')).waitFor();
  await until('the run to finish', async () => {
    const { body } = await stack.api<{ runs: { status: string }[] }>('GET', '/tenants/demo-shop/activity');
    const status = body.runs[0]?.status;
    return status && status !== 'running' ? status : undefined;
  });

  // --- the failed order, in plain words; its cause fixed in Fortnox; replayed
  await go(page, m, 'activity');
  // the run's real API calls, per service
  const fortnoxCalls = text(m, 'activity.callsOf', { service: text(m, 'connector.fortnox'), n: '#' });
  await page
    .getByTestId('run-calls')
    .getByText(new RegExp(`^${fortnoxCalls.replace('#', '[1-9]\\d*')}$`))
    .first()
    .waitFor();
  const failures = page.getByTestId('failures');
  await failures.waitFor();
  const key = FAILING_ORDER;
  await failures.getByText(text(m, 'activity.record', { key }), { exact: true }).waitFor();
  await failures.getByText('PUB-JACKET').first().waitFor();
  await page.getByRole('button', { name: text(m, 'activity.open', { key }) }).click();
  const trail = page.getByTestId('trail');
  await trail.getByText(text(m, 'trail.failed')).waitFor();
  // the rule trace the run kept of the order
  await trail.getByTestId('trace').getByText(text(m, 'trail.trace')).waitFor();
  await screenshot(page, `${lang}-activity-failed`);

  await stack.addMissingArticle();
  await page.getByRole('button', { name: text(m, 'activity.replay', { key }) }).click();
  await page.getByText(text(m, 'activity.replayed', { resolved: 1, failed: 0 })).waitFor();
  await trail.getByText(text(m, 'trail.done')).waitFor();
  await trail
    .getByTestId('documents')
    .getByText(new RegExp(`^${text(m, 'doc.invoice')} \\d+`))
    .first()
    .waitFor();
  await page.getByTestId('no-failures').waitFor();
  await screenshot(page, `${lang}-activity-fixed`);

  // --- health: both connections work, the flow has a successful run
  await go(page, m, 'health');
  const connections = page.getByTestId('health-connections');
  await connections.getByText('Koppla Sandbox AB').waitFor();
  expect(await connections.getByText(text(m, 'health.down')).count()).toBe(0);
  await screenshot(page, `${lang}-health`);
}
