/** `npm run bench`: every benchmark, one after the other, printing figures (never asserting them). */
import { benchEngine } from './engine.ts';
import { benchLedger } from './ledger.ts';
import { benchScheduler } from './scheduler.ts';
import { benchStock } from './stock.ts';
import { benchOrders } from './orders.ts';

await benchEngine();
await benchLedger();
await benchScheduler();
await benchStock();
await benchOrders();
