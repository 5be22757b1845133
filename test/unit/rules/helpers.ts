import { parseYamlSource } from '../../../core/config/index.ts';
import {
  compileRulePack,
  type CompiledRulePack,
  type RulePackCompileResult,
} from '../../../core/rules/index.ts';

export function compile(text: string, file = 'pack.yaml'): RulePackCompileResult {
  return compileRulePack(parseYamlSource(text, file));
}

/** Compiles a pack that must be valid; fails the test with the diagnostics otherwise. */
export function mustCompile(text: string, file = 'pack.yaml'): CompiledRulePack {
  const { pack, diagnostics } = compile(text, file);
  if (!pack)
    throw new Error(
      `pack did not compile:\n${diagnostics.map((d) => `${d.line}:${d.col} ${d.rule} ${d.message}`).join('\n')}`,
    );
  return pack;
}

/** `line:col rule` of each diagnostic: what the checks are about, compactly. */
export function where(result: RulePackCompileResult): string[] {
  return result.diagnostics.map((d) => `${d.line}:${d.col} ${d.rule}`);
}

export const HEADER = `apiVersion: koppla/v1
kind: RulePack
metadata: { id: demo, version: 1.2.3 }
`;
