import type { Command } from 'commander';
import { formatTraceEntry, type RuleToggles, type TraceEntry } from '../../../core/rules/index.ts';
import { explainRecord, type Explanation } from '../../project/explain-record.ts';
import { openWorkspace, withPluginOption, type WorkspaceOptions } from '../workspace-options.ts';

interface ExplainOptions extends WorkspaceOptions {
  input: string;
  toggle?: string[];
  params?: string;
  format: string;
}

export function registerExplainCommand(program: Command): void {
  withPluginOption(
    program
      .command('explain')
      .description(
        'run a pipeline for one record with every operation mocked: decisions, rule trace, payloads',
      )
      .argument('<pipeline>', 'the pipeline file')
      .requiredOption('-i, --input <record>', 'the input record (JSON or YAML file)')
      .option(
        '-t, --toggle <pack[/rule]=on|off>',
        'switch a rule pack or a single rule; repeatable',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option('--params <file>', 'tenant params (JSON or YAML file), keyed by pack id')
      .option('-f, --format <format>', 'text or json', 'text'),
  ).action(async (pipeline: string, options: ExplainOptions) => {
    const workspace = await openWorkspace(options);
    const record = workspace.readRecord(options.input);
    const params = options.params
      ? (workspace.readRecord(options.params) as Record<string, unknown>)
      : undefined;
    const explanation = await explainRecord(workspace, pipeline, record, {
      toggles: parseToggles(options.toggle ?? []),
      ...(params ? { params } : {}),
    });
    process.stdout.write(
      options.format === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : render(explanation),
    );
    if (explanation.failure) process.exitCode = 1;
  });
}

/** `document-kind=off` switches a pack, `document-kind/paid-by-card=on` a single rule. */
export function parseToggles(values: readonly string[]): RuleToggles {
  const packs: Record<string, boolean> = {};
  const rules: Record<string, boolean> = {};
  for (const value of values) {
    const match = /^([^=]+)=(on|off|true|false)$/.exec(value);
    if (!match) throw new Error(`--toggle ${value}: write <pack>=on|off or <pack>/<rule>=on|off`);
    const [, key = '', state] = match;
    (key.includes('/') ? rules : packs)[key] = state === 'on' || state === 'true';
  }
  return { packs, rules };
}

function render(explanation: Explanation): string {
  const out: string[] = [`Pipeline ${explanation.pipeline} (${explanation.file})`, ''];
  if (explanation.mappedBy)
    out.push(`Input: the service's own record, read as the ${explanation.mappedBy} reads it`, '');
  const { decisions, trace, steps } = explanation.outcome;
  out.push('Decisions');
  for (const [key, value] of Object.entries(decisions)) {
    if (key === 'lines' && Array.isArray(value)) {
      value.forEach((line: Record<string, unknown>, i) => {
        const { line: source, ...made } = line;
        const sku = (source as { sku?: string } | undefined)?.sku;
        out.push(`  lines[${i}]${sku ? ` ${sku}` : ''}: ${JSON.stringify(made)}`);
      });
    } else out.push(`  ${key}: ${JSON.stringify(value)}`);
  }
  out.push('', 'Rule trace');
  for (const entry of trace as TraceEntry[]) out.push(`  ${formatTraceEntry(entry)}`);
  out.push('', 'Steps');
  for (const step of steps) {
    const call = explanation.calls.find((c) => c.step === step.id);
    const mark = step.status === 'done' ? '✓' : step.status === 'skipped' ? '–' : '✗';
    out.push(
      `  ${mark} ${step.id}${call ? ` → ${call.uses}` : ''} ${step.status === 'skipped' ? '(skipped: its if is false)' : ''}`.trimEnd(),
    );
    if (call) {
      out.push(`      sends: ${JSON.stringify(call.input)}`);
      out.push(`      mocked answer: ${JSON.stringify(call.mockedOutput)}`);
    }
    if (step.error) out.push(`      error: ${step.error}`);
  }
  if (explanation.failure)
    out.push('', `FAILED at step ${explanation.failure.step}: ${explanation.failure.message}`);
  return `${out.join('\n')}\n`;
}
