/**
 * `npm run db`: starts (or finds) a MongoDB-compatible server, prints its connection string, and
 * keeps it running until Ctrl-C. Handy for the demo, for `koppla serve`, or for a mongosh session.
 */
import { provisionMongo } from './mongo/provision.ts';

try {
  const mongo = await provisionMongo();
  process.stderr.write(`[koppla db] ready: ${mongo.description}\n`);
  process.stdout.write(`${mongo.uri}\n`);
  if (mongo.source === 'MONGODB_URI') process.exit(0);
  process.stderr.write('[koppla db] press Ctrl-C to stop it\n');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void mongo.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
