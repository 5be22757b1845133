/**
 * Agenda emits 'error' when the database fails under it (a connection dropped while it fills its
 * queue). An EventEmitter without an 'error' listener throws that error: the chaos suite saw it kill
 * whole `koppla serve` workers on a database outage. The scheduler hands it to `onError` instead.
 */
import { MongoNetworkError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createAgenda } from '../../../runtime/scheduler/create-agenda.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);

describe('the scheduler when the database fails under Agenda', () => {
  it("hands Agenda's errors to onError instead of throwing them", async () => {
    const seen: string[] = [];
    const agenda = createAgenda({
      db: mongo.db(),
      workerName: 'w',
      onError: (error) => seen.push(error.message),
    });
    const dropped = new MongoNetworkError('connection 1 to 127.0.0.1:27017 closed');
    expect(() => agenda.emit('error', dropped)).not.toThrow();
    expect(seen).toEqual(['connection 1 to 127.0.0.1:27017 closed']);
    await agenda.ready;
  });

  it('swallows them when nobody listens, rather than crash the process', async () => {
    const agenda = createAgenda({ db: mongo.db(), workerName: 'w' });
    expect(() => agenda.emit('error', new Error('database gone'))).not.toThrow();
    await agenda.ready;
  });
});
