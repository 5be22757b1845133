/**
 * A connector plugin that cannot be used: not found, no connector exported, written for another
 * plugin API, or an invalid declaration. The message names the plugin and lists every problem, so
 * boot stops with something a person can act on.
 */
export class PluginLoadError extends Error {
  constructor(
    /** The plugin as the configuration names it (`@acme/koppla-connector-shopify`, `./connectors-local/visma`). */
    readonly specifier: string,
    readonly problems: readonly string[],
    options?: { readonly cause?: unknown },
  ) {
    super(
      problems.length === 1
        ? `connector plugin "${specifier}": ${problems[0]}`
        : `connector plugin "${specifier}" is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      options,
    );
    this.name = 'PluginLoadError';
  }
}
