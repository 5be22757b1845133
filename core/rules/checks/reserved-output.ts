import { report, type PackCheck } from './pack-check.ts';

/** decisions.lines holds the per-line decisions and decisions.lines[i].line the canonical line. */
const RESERVED = new Set(['lines', 'line']);

export const reservedOutput: PackCheck = {
  id: 'reserved-output',
  description: 'A pack output may not be named lines or line: the engine uses those names.',
  check(context) {
    const { output } = context.pack;
    return RESERVED.has(output)
      ? [
          report(
            context,
            this.id,
            '/output',
            `output "${output}" is reserved (decisions.lines[i].line holds the order line); choose another name`,
          ),
        ]
      : [];
  },
};
