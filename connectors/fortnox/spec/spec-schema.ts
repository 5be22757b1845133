import subset from './openapi-subset.json' with { type: 'json' };

/** The parts of an OpenAPI 3.0 schema the connector and its sandbox read. */
export interface SpecSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SpecSchema>>;
  readonly items?: SpecSchema;
  readonly $ref?: string;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly required?: readonly string[];
}

/** Fortnox's own schemas, by name, from the subset of its OpenAPI document Koppla uses. */
export const SPEC_SCHEMAS = (subset as { components: { schemas: Record<string, SpecSchema> } }).components
  .schemas;
