// Lets `npx vitest run --root examples/connector-http-json` run this folder's tests on their own.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    // Koppla ships TypeScript sources: when it is installed in node_modules, let vitest compile them
    server: { deps: { inline: [/node_modules\/koppla\//] } },
  },
});
