/**
 * GET /admin/v1/tenants/{tenant}/doctor: the checks of `koppla doctor` for the admin page. It calls
 * Fortnox and WooCommerce for real (a few dozen reads), so the page asks for it on demand.
 */
import type { DependencyContainer } from 'tsyringe';
import { doctorForTenant } from '../doctor/index.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { TOKENS } from '../container/tokens.ts';
import { notFound } from './admin-error.ts';
import type { RouteSpec } from './routes.ts';
import { component, TenantParams } from './schemas.ts';

const string = { type: 'string' } as const;
const system = { enum: ['fortnox', 'woocommerce', 'koppla'] } as const;

export const DoctorReportSchema = component('DoctorReport', {
  type: 'object',
  required: ['tenant', 'checkedAt', 'ok', 'checks', 'findings'],
  properties: {
    tenant: string,
    checkedAt: { type: 'string', format: 'date-time' },
    ok: { type: 'boolean', description: 'No finding is an error (the CLI exits 0).' },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'system', 'title', 'status', 'detail'],
        properties: {
          id: { ...string, description: 'Stable, e.g. fortnox.accounts.' },
          system,
          title: string,
          status: { enum: ['passed', 'failed', 'warning', 'skipped'] },
          detail: { ...string, description: 'What was checked and found, or why it was skipped.' },
        },
      },
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['check', 'system', 'severity', 'what', 'why', 'fix'],
        properties: {
          check: string,
          system,
          severity: { enum: ['error', 'warning'] },
          what: { ...string, description: 'What is wrong, naming the values.' },
          why: { ...string, description: 'What goes wrong in a run because of it.' },
          fix: { ...string, description: 'How to fix it.' },
          items: { type: 'array', items: string },
        },
      },
    },
  },
});

export const DOCTOR_ROUTES = [
  {
    operationId: 'getTenantDoctor',
    method: 'GET',
    path: '/tenants/{tenant}/doctor',
    tag: 'tenants',
    summary: "Check the tenant's prerequisites in Fortnox and WooCommerce (koppla doctor)",
    description:
      'Token, scopes and licences, company settings, every account, VAT code and mode of payment the rule packs can emit, currencies, Lager and stock points, mapped codes; store permalinks, keys, taxes, price and weight settings, webhooks and SKUs. Each finding says what, why and how to fix. Calls both services: takes a few seconds.',
    params: TenantParams,
    status: 200,
    response: DoctorReportSchema,
    responseDescription: 'Every check and its findings.',
  },
] as const satisfies readonly RouteSpec[];

/** The handler of `getTenantDoctor`. */
export function doctorHandlers(container: DependencyContainer) {
  return {
    getTenantDoctor: async ({ params }: { readonly params: Record<string, string> }) => {
      const directory = container.resolve<TenantDirectory>(TOKENS.Tenants);
      // see the latest admin changes (params, toggles) like a run would
      await directory.refresh();
      try {
        directory.get(params.tenant!);
      } catch {
        throw notFound(`unknown tenant "${params.tenant}"`);
      }
      return doctorForTenant(container, params.tenant!);
    },
  };
}
