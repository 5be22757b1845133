import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The Koppla installation (the package root), wherever the CLI is run from. */
export const KOPPLA_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCHEMAS_DIR = join(KOPPLA_ROOT, 'schemas');
/** Shipped rule packs: rules/<id>/pack.yaml */
export const SHIPPED_RULES_DIR = join(KOPPLA_ROOT, 'rules');
