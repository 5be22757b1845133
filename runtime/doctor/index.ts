export { runDoctor, type DoctorOptions } from './doctor.ts';
export { formatDoctorReport } from './format.ts';
export { emittedValues, valuesOf, type Emitted, type EmittedKind, type PackInUse } from './emittable.ts';
export type { CheckStatus, DoctorCheck, DoctorFinding, DoctorReport, FindingSeverity } from './types.ts';
export { doctorForTenant } from './for-tenant.ts';
