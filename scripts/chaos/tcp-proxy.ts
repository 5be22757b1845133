/**
 * A TCP proxy in front of the database server: `outage(ms)` cuts every open connection and refuses
 * new ones for a while, as a network partition or a database restart looks to the driver. FerretDB
 * itself keeps running, so its state (on PostgreSQL or SQLite) survives the outage.
 */
import net, { type AddressInfo, type Socket } from 'node:net';

export interface RunningTcpProxy {
  readonly port: number;
  /** Outages so far and connections cut by them. */
  readonly stats: { outages: number; cut: number; refused: number };
  /** Cuts all connections now and refuses new ones for `ms`. */
  outage(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<RunningTcpProxy> {
  const open = new Set<Socket>();
  const stats = { outages: 0, cut: 0, refused: 0 };
  let down = false;
  const server = net.createServer((client) => {
    if (down) {
      stats.refused++;
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    stats,
    async outage(ms) {
      stats.outages++;
      down = true;
      stats.cut += open.size / 2;
      for (const socket of open) socket.destroy();
      open.clear();
      await new Promise((resolve) => setTimeout(resolve, ms));
      down = false;
    },
    async stop() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
