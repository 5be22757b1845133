/**
 * The contract kit (`koppla/testing`) against the built-in connectors: the suite a third-party
 * connector runs is the one Fortnox and WooCommerce pass.
 */
import { SlidingWindowRateLimiter } from '../../../connectors/fortnox/client/index.ts';
import { createFortnoxConnector } from '../../../connectors/fortnox/connector.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
} from '../../../connectors/fortnox/sandbox/index.ts';
import woocommerce from '../../../connectors/woocommerce/connector.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { describeConnectorContract } from '../../../testing/index.ts';
import { referenceSeed } from '../../fixtures/woocommerce/reference.ts';

// short backoff so the fault probes (every request fails) end quickly
const FAST_RETRY = { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 5, factor: 2, randomize: false };

// a roomier request budget on both sides, so the suite does not wait out Fortnox's 25 / 5 s
const BUDGET = { requests: 1000, windowMs: 1000 };
const fortnox = createFortnoxConnector({
  retry: FAST_RETRY,
  rateLimiter: new SlidingWindowRateLimiter(BUDGET),
});

describeConnectorContract(fortnox, {
  sandbox: {
    start: (options = {}) =>
      startFortnoxSandbox({ ...options, seed: options.seed as never, config: { rateLimit: BUDGET } }),
  },
  credentials: (url) => ({
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    refreshToken: DEFAULT_REFRESH_TOKEN,
    apiUrl: url,
    authUrl: url,
  }),
  // five articles: the stock stream (two per page) spans three pages
  seed: {
    articles: ['101', '102', '103', '104', '105'].map((number) => ({
      ArticleNumber: number,
      Description: `Article ${number}`,
      SalesPrice: 10,
      QuantityInStock: 5,
    })),
  },
  authRequests: [/^POST \/oauth-v1\/token/],
});

describeConnectorContract(woocommerce, {
  seed: referenceSeed(),
  credentials: (url) => ({
    url,
    consumerKey: SANDBOX_CONSUMER_KEY,
    consumerSecret: SANDBOX_CONSUMER_SECRET,
    // keys in the query string: the kit's faults echo the URL back, so the secret must be scrubbed
    auth: 'query',
    retries: 2,
    retryMinTimeoutMs: 1,
  }),
});
