/** The example connector (examples/connector-http-json) passes the same contract as the built-ins. */
import connector from '../../../examples/connector-http-json/connector.ts';
import { SANDBOX_TOKEN } from '../../../examples/connector-http-json/sandbox.ts';
import { describeConnectorContract } from '../../../testing/index.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

describeConnectorContract(connector, {
  seed: { records: [1, 2, 3, 4, 5].map((n) => ({ id: String(n), updatedAt: at(n), total: `${n}00.00` })) },
  credentials: (url) => ({ baseUrl: url, token: SANDBOX_TOKEN }),
  runExamples: true,
});
