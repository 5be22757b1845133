export {
  DEFAULT_RECONNECT,
  EventConnection,
  type EventConnectionOptions,
  type EventTenant,
  type ReconnectOptions,
} from './connection.ts';
export { fortnoxEvents, type FortnoxEventsOptions } from './definition.ts';
export {
  DEFAULT_TOPICS,
  FORTNOX_EVENTS,
  FORTNOX_EVENTS_URL,
  KNOWN_TOPICS,
  eventName,
  eventsUrl,
  parseFrame,
  type Command,
  type CommandResponse,
  type FortnoxEvent,
  type Frame,
} from './protocol.ts';
