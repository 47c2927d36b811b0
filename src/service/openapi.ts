import { z } from 'zod';
import { errorCatalog, type ErrorCode } from '../domain/errors.js';
import { problemSchema } from './api-schemas.js';
import { connectorEventSchema } from '../events/schemas.js';

/**
 * The parts of `/openapi.json` that are not route schemas: the document's head, the two
 * credentials, and the response objects every route builds its `schema.response` from. Routes
 * name the codes they can answer with; `responses()` turns them into problem+json responses per
 * status, so the document lists each route's errors exactly.
 */

export const securitySchemes = {
  adminKey: { type: 'http', scheme: 'bearer', description: 'The admin key (wak_…), printed at first start or set as CONNECTOR_ADMIN_KEY' },
  connectionToken: { type: 'http', scheme: 'bearer', description: 'A connection token (wac_…) of one linked session, from the link stream or POST /v1/sessions/{id}/tokens' },
} as const;

export const adminAuth = [{ adminKey: [] }];
export const tokenAuth = [{ connectionToken: [] }];
/** Open routes: health, the link stream and page, pairing codes, the sandbox's phone. */
export const noAuth: { [scheme: string]: string[] }[] = [];

export const tags = [
  { name: 'sessions', description: 'The token service: link WhatsApp accounts as devices, issue and revoke connection tokens (admin key)' },
  { name: 'actions', description: 'Act on WhatsApp through a linked session (connection token)' },
  { name: 'events', description: 'What WhatsApp tells a session — messages received, status changes, session states — as webhooks (admin key) and as an event stream (connection token); see the webhooks section and docs/events.md' },
  { name: 'operations', description: 'Health, readiness and metrics' },
  { name: 'sandbox', description: 'CONNECTOR_ENGINE=sandbox only: play the phones of the virtual network. Under another engine these routes answer 404 NOT_FOUND' },
];

export const documentHead = {
  openapi: '3.1.0',
  info: {
    title: 'WhatsApp Connector',
    version: '1',
    description:
      'Link WhatsApp accounts as devices and act on them from business processes. Errors are application/problem+json with a stable `code` (docs/service.md).',
    license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
  },
  servers: [{ url: '/', description: 'This service' }],
  tags,
  components: { securitySchemes },
};

/**
 * The document's components, less those no route refers to: zod's registry holds an input and an
 * output form of every named schema, and a document that lists unused ones misleads its reader.
 */
export function keepReferencedComponents<D extends { paths?: unknown; components?: { schemas?: Record<string, unknown> } }>(document: D): D {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const kept = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const name = key === '$ref' && typeof child === 'string' ? child.replace('#/components/schemas/', '') : undefined;
      if (name !== undefined && !kept.has(name) && name in schemas) {
        kept.add(name);
        visit(schemas[name]);
      }
      visit(child);
    }
  };
  visit(document.paths);
  return { ...document, components: { ...document.components, schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => kept.has(name))) } };
}

/** A route whose body may be left out: Fastify's document says every body is required. */
export const optionalBody = { 'x-optional-body': true } as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Marks the bodies of routes declared with {@link optionalBody} as not required. */
export function markOptionalBodies<D extends { paths?: unknown }>(document: D): D {
  for (const operations of Object.values(isRecord(document.paths) ? document.paths : {})) {
    for (const operation of Object.values(isRecord(operations) ? operations : {})) {
      if (!isRecord(operation) || operation['x-optional-body'] !== true) continue;
      delete operation['x-optional-body'];
      if (isRecord(operation.requestBody)) operation.requestBody.required = false;
    }
  }
  return document;
}

/** What any request can meet before or around its route: framing, slow clients, a failure, a shutdown. */
const anywhere: ErrorCode[] = ['VALIDATION_ERROR', 'REQUEST_TIMEOUT', 'URI_TOO_LONG', 'HEADERS_TOO_LARGE', 'INTERNAL', 'SHUTTING_DOWN'];

type ResponseObject = { description: string; content?: Record<string, { schema: z.ZodType }> };

/** A success answer of `schema` as JSON. */
export function json(description: string, schema: z.ZodType): ResponseObject {
  return { description, content: { 'application/json': { schema } } };
}

/** A success answer of another media type: an event stream, metrics text. */
export function media(description: string, type: string, schema: z.ZodType): ResponseObject {
  return { description, content: { [type]: { schema } } };
}

/** An answer without a body (204). */
export function empty(description: string): z.ZodNull {
  return z.null().describe(description);
}

/**
 * A route's `schema.response`: its success answers, then one problem+json response for each status
 * its codes map to (plus what any request can meet), the codes of each listed in its schema.
 *
 * @example responses({ 200: json('The session', sessionViewSchema) }, 'UNAUTHORIZED', 'SESSION_NOT_FOUND')
 */
export function responses<S extends Record<number, ResponseObject | z.ZodNull>>(success: S, ...codes: ErrorCode[]): S & Record<number, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...codes, ...anywhere])) {
    const { status } = errorCatalog[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const errors: Record<number, ResponseObject> = {};
  for (const [status, listed] of [...byStatus].sort(([a], [b]) => a - b)) {
    const schema = z.intersection(problemSchema, z.looseObject({ code: z.enum(listed as [ErrorCode, ...ErrorCode[]]) }));
    errors[status] = { description: listed.join(', '), content: { 'application/problem+json': { schema } } };
  }
  return { ...success, ...errors };
}

/**
 * The document's `webhooks`: what the service POSTs to a webhook URL, one entry per event type,
 * from the events' zod schemas (signed with the webhook-id, webhook-timestamp and webhook-signature headers).
 */
export function withEventWebhooks<D extends object>(document: D): D {
  const { components } = document as { components?: { schemas?: Record<string, unknown> } };
  const signature = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({ name, in: 'header', required: true, schema: { type: 'string' } }));
  const schemas: Record<string, unknown> = { ...components?.schemas };
  // The events' named parts go with the document's other schemas, referred to from there.
  const pointHere = (json: unknown): unknown => JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/'));
  const hoist = (json: Record<string, unknown>): unknown => {
    const { $defs, $schema: _dialect, ...rest } = json as { $defs?: Record<string, unknown>; $schema?: string };
    for (const [name, definition] of Object.entries($defs ?? {})) schemas[name] ??= pointHere(definition);
    return pointHere(rest);
  };
  const webhooks = Object.fromEntries(
    connectorEventSchema.options.map((schema) => {
      const type = schema.shape.type.value;
      const body = hoist(z.toJSONSchema(z.object({ event: schema }), { unrepresentable: 'any' }) as Record<string, unknown>) as { properties: { event: unknown } };
      return [
        type,
        {
          post: {
            operationId: `on-${type}`.replace(/[.-](\w)/g, (_match: string, letter: string) => letter.toUpperCase()),
            tags: ['events'],
            summary: schema.meta()?.description ?? type,
            parameters: signature,
            requestBody: { required: true, content: { 'application/json': { schema: body.properties.event } } },
            responses: { '200': { description: 'Received: any 2xx ends the delivery; anything else is retried with the same webhook-id' } },
          },
        },
      ];
    }),
  );
  return { ...document, components: { ...components, schemas }, webhooks };
}
