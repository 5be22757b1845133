export { AdminError, type AdminErrorCode } from './admin-error.ts';
export { registerAdminApi, type AdminApiOptions } from './admin-api.ts';
export { AdminKeyring, AdminKeyConfigError, parseAdminKeys, type AdminPrincipal } from './api-keys.ts';
export { openApiDocument, openApiYaml } from './openapi.ts';
export { ADMIN_PREFIX, ROUTES, type RouteSpec } from './routes.ts';
export {
  TenantAdmin,
  TENANT_ID_PATTERN,
  tenantAdminFor,
  type RunQueue,
  type TenantAdminDeps,
} from './tenant-admin.ts';
export type * from './tenant-types.ts';
