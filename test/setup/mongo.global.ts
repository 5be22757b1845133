import type { TestProject } from 'vitest/node';
import { provisionMongo } from '../../scripts/mongo/provision.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    mongoSource: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mongo = await provisionMongo();
  process.stderr.write(`[koppla test] MongoDB: ${mongo.description}\n`);
  project.provide('mongoUri', mongo.uri);
  project.provide('mongoSource', mongo.source);
  return () => mongo.stop();
}
