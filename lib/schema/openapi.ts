import type { JsonSchema } from './json-schema'
import { dereference } from './json-schema'

/** The parts of a fal OpenAPI 3 document that the studio reads. */
export interface OpenApiDocument {
  openapi: string
  info: { title: string; version: string; description?: string; [extension: `x-${string}`]: unknown }
  components: { schemas: Record<string, JsonSchema>; [key: string]: unknown }
  paths: Record<string, Record<string, OpenApiOperation>>
  [key: string]: unknown
}

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> }
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>
  [key: string]: unknown
}

function jsonBodySchema(content: Record<string, { schema?: JsonSchema }> | undefined, where: string): JsonSchema {
  const schema = content?.['application/json']?.schema
  if (!schema) throw new Error(`No application/json schema for ${where}`)
  return schema
}

/** The endpoint's input schema: the body of `POST /<endpoint id>`, with references inlined. */
export function inputSchemaOf(document: OpenApiDocument, endpointId: string): JsonSchema {
  const operation = document.paths[`/${endpointId}`]?.post
  const schema = jsonBodySchema(operation?.requestBody?.content, `POST /${endpointId}`)
  return dereference(schema, document.components.schemas)
}

/** The endpoint's output schema: the 200 answer of `GET /<endpoint id>/requests/{request_id}`. */
export function outputSchemaOf(document: OpenApiDocument, endpointId: string): JsonSchema {
  const operation = document.paths[`/${endpointId}/requests/{request_id}`]?.get
  const schema = jsonBodySchema(operation?.responses?.['200']?.content, `GET /${endpointId}/requests/{request_id}`)
  return dereference(schema, document.components.schemas)
}
