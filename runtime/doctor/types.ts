/** What `koppla doctor` reports: one result per check, and a finding for each problem it found. */

export type DoctorSystem = 'fortnox' | 'woocommerce' | 'koppla';

/**
 * `error`: runs will fail or book wrongly until it is fixed (exit code 1). `warning`: works today,
 * but something the shop owner should know (exit code 0).
 */
export type FindingSeverity = 'error' | 'warning';

export interface DoctorFinding {
  /** Stable id of the check that found it, e.g. `fortnox.accounts`. */
  readonly check: string;
  readonly system: DoctorSystem;
  readonly severity: FindingSeverity;
  /** What is wrong, naming the values. */
  readonly what: string;
  /** Why it matters: what goes wrong in a run. */
  readonly why: string;
  /** How to fix it, where to click or what to set. */
  readonly fix: string;
  /** The values concerned (account numbers, SKUs, codes), when there are several. */
  readonly items?: readonly string[];
}

export type CheckStatus = 'passed' | 'failed' | 'warning' | 'skipped';

export interface DoctorCheck {
  readonly id: string;
  readonly system: DoctorSystem;
  readonly title: string;
  readonly status: CheckStatus;
  /** One line: what was checked and found (also for a check that passed), or why it was skipped. */
  readonly detail: string;
}

export interface DoctorReport {
  readonly tenant: string;
  readonly checkedAt: string;
  /** True when no finding is an error (the CLI's exit code 0). */
  readonly ok: boolean;
  readonly checks: readonly DoctorCheck[];
  readonly findings: readonly DoctorFinding[];
}

/** What one check returns: its own status line and its findings. */
export interface CheckOutcome {
  readonly detail: string;
  readonly findings?: readonly Omit<DoctorFinding, 'check' | 'system'>[];
  /** Set when the check could not run (a missing scope, an unreachable service). */
  readonly skipped?: boolean;
}
