import {
  DelayConfigSchema,
  MapConfigSchema,
  type NodeRegistry,
  SubWorkflowConfigSchema,
} from '@spane/core';
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';

/** One node type as `GET /api/node-types` lists it. */
export interface NodeTypeInfo {
  type: string;
  /** True for the engine's own types (`delay`, `sub-workflow`, `map`). */
  builtIn: boolean;
  description: string;
  /** The config's JSON Schema (draft-07), from its valibot schema; `{ type: 'object' }` when none is known. */
  configSchema: Record<string, unknown>;
}

/** What the catalog knows about a type beyond its executor. */
export interface NodeTypeDescription {
  description: string;
  configSchema?: v.GenericSchema | undefined;
}

const BUILT_INS: Record<string, NodeTypeDescription> = {
  delay: {
    description: 'Waits, then passes its input on (a durable delayed job).',
    configSchema: DelayConfigSchema,
  },
  'sub-workflow': {
    description: 'Runs another workflow as a child execution.',
    configSchema: SubWorkflowConfigSchema,
  },
  map: { description: 'Runs a workflow once per item of an array.', configSchema: MapConfigSchema },
};

/** A valibot schema as JSON Schema; refinements that JSON Schema cannot say are left out. */
function jsonSchemaOf(schema: v.GenericSchema | undefined): Record<string, unknown> {
  if (!schema) return { type: 'object' };
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, { errorMode: 'ignore' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/**
 * Every node type the registry runs (and the built-ins), with a description and the config's JSON
 * Schema, for the editor's palette and its per-node forms. Computed once: the registry does not
 * change while the server runs.
 */
export function describeNodeTypes(
  registry: NodeRegistry,
  descriptions: Readonly<Record<string, NodeTypeDescription>>,
): NodeTypeInfo[] {
  const custom = registry.types().map((type) => ({
    type,
    builtIn: false,
    description: descriptions[type]?.description ?? '',
    configSchema: jsonSchemaOf(descriptions[type]?.configSchema),
  }));
  const builtIn = Object.entries(BUILT_INS).map(([type, info]) => ({
    type,
    builtIn: true,
    description: info.description,
    configSchema: jsonSchemaOf(info.configSchema),
  }));
  return [...custom, ...builtIn];
}
