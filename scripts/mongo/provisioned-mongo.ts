export type MongoSource = 'MONGODB_URI' | 'mongod' | 'ferretdb-postgresql' | 'ferretdb-sqlite';

/** A MongoDB-compatible server ready for connections, and the way to give it back. */
export interface ProvisionedMongo {
  readonly uri: string;
  readonly source: MongoSource;
  readonly description: string;
  /** Stops what the provisioner started (nothing for MONGODB_URI). Safe to call twice. */
  stop(): Promise<void>;
}
