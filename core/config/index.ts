export * from './yaml-source.ts';
export * from './json-pointer.ts';
export * from './duration.ts';
