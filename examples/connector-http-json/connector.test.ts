/** The contract every Koppla connector passes, run against this connector's own sandbox. */
import { describeConnectorContract } from 'koppla/testing';
import connector from './connector.ts';
import { SANDBOX_TOKEN } from './sandbox.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

describeConnectorContract(connector, {
  // five records: two per page, three pages
  seed: { records: [1, 2, 3, 4, 5].map((n) => ({ id: String(n), updatedAt: at(n), total: `${n}00.00` })) },
  credentials: (url) => ({ baseUrl: url, token: SANDBOX_TOKEN }),
  runExamples: true,
});
