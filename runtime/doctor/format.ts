import type { DoctorReport } from './types.ts';

const MARK = { passed: '✓', failed: '✗', warning: '!', skipped: '–' } as const;

/** The report as a person reads it on a terminal: one line per check, then each finding in full. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [`koppla doctor: tenant ${report.tenant}`, ''];
  for (const check of report.checks)
    lines.push(`${MARK[check.status]} ${check.system.padEnd(11)} ${check.title}: ${check.detail}`);
  if (report.findings.length > 0) lines.push('');
  report.findings.forEach((finding, i) => {
    lines.push(`${i + 1}. [${finding.severity}] ${finding.system}: ${finding.what}`);
    for (const item of finding.items ?? []) lines.push(`     - ${item}`);
    lines.push(`   why: ${finding.why}`);
    lines.push(`   fix: ${finding.fix}`);
  });
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.length - errors;
  lines.push(
    '',
    `${report.checks.length} checks, ${errors} error(s), ${warnings} warning(s): ${report.ok ? 'ready' : 'not ready'}`,
  );
  return `${lines.join('\n')}\n`;
}
