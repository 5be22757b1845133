/** Every collection Koppla owns. Agenda's own collections are named in runtime/scheduler. */
export const COLLECTIONS = {
  cursors: 'koppla_cursors',
  runs: 'koppla_runs',
  leases: 'koppla_leases',
  rateEvents: 'koppla_rate_events',
  effects: 'koppla_effects',
  deadLetters: 'koppla_dead_letters',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];
