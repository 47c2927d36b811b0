/**
 * The contract test's half in the test support: every request the tests make through `call` and
 * `openSse` to a recorded service, with its answer, and the check of each against the service's
 * own `/openapi.json` with ajv (JSON Schema 2020-12, as OpenAPI 3.1 writes it).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export interface Exchange {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** The JSON body sent, when there was one. */
  body?: unknown;
  /** A body sent as raw text (broken framing on purpose): not checked against the request schema. */
  raw?: boolean;
  status: number;
  type: string;
  response: unknown;
  /** The events a stream delivered, for text/event-stream answers. */
  events?: { event: string; data: unknown }[];
}

const recorders = new Map<string, Exchange[]>();

/** Pages and the document itself: served for people and tools, not operations of the API. */
const pages = /^\/(?:openapi\.json|docs(?:\/.*)?|link\/[^/]+|web\/.+|sandbox)?$/;

/** From now on, every exchange with the service at `base` is kept in the returned list. */
export function recordExchanges(base: string): Exchange[] {
  const exchanges: Exchange[] = [];
  recorders.set(base, exchanges);
  return exchanges;
}

/** Called by the HTTP helpers: keeps the exchange if `url` belongs to a recorded service. */
export function record(url: string, exchange: Omit<Exchange, 'path'>): Exchange | undefined {
  for (const [base, exchanges] of recorders) {
    if (!url.startsWith(base)) continue;
    const kept = { ...exchange, path: url.slice(base.length) };
    exchanges.push(kept);
    return kept;
  }
  return undefined;
}

interface Operation {
  requestBody?: { required?: boolean; content?: Record<string, unknown> };
  responses?: Record<string, { content?: Record<string, { schema?: { contentSchema?: unknown } }> }>;
}

interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: unknown;
}

export interface ContractReport {
  /** Exchanges whose answer was validated against a documented schema. */
  validated: number;
  /** What did not match the document, one line each. */
  violations: string[];
}

/** Checks each exchange against the document: its route, its request body, its status, media type and answer. */
export function checkExchanges(document: Document, exchanges: readonly Exchange[]): ContractReport {
  const ajv = new Ajv2020({ strict: true, allErrors: true, strictTypes: false });
  addFormats.default(ajv);
  // Schemas are compiled where they stand in the document, so their `#/components/…` references resolve;
  // the document's other parts are not schemas and are left alone.
  for (const keyword of ['x-events', 'paths', 'components']) ajv.addKeyword(keyword);
  ajv.addSchema({ paths: document.paths, components: document.components }, 'openapi.json');
  const compiled = new Map<string, ValidateFunction>();
  const validator = (pointer: string) => {
    let found = compiled.get(pointer);
    if (!found) compiled.set(pointer, (found = ajv.compile({ $ref: `openapi.json#${pointer}` })));
    return found;
  };
  const routes = Object.entries(document.paths).map(([template, operations]) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    operations,
  }));

  const violations: string[] = [];
  let validated = 0;
  for (const exchange of exchanges) {
    const path = exchange.path.split('?')[0] ?? '';
    const route = routes.find((candidate) => candidate.pattern.test(path));
    const operation = route?.operations[exchange.method.toLowerCase()];
    const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
    if (!route && pages.test(path)) continue;
    if (!route || !operation) {
      // Unknown routes are documented nowhere by design; they must still answer a problem.
      if (exchange.status < 400 || !exchange.type.startsWith('application/problem+json')) violations.push(`${where}: not in the document`);
      continue;
    }
    const pointer = `/paths/${escape(route.template)}/${exchange.method.toLowerCase()}`;
    violations.push(...checkRequest(exchange, operation, pointer, validator).map((line) => `${where}: ${line}`));

    const response = operation.responses?.[String(exchange.status)];
    if (!response) {
      violations.push(`${where}: status ${exchange.status} is not documented`);
      continue;
    }
    if (!response.content) {
      if (exchange.response !== '' && exchange.response !== undefined) violations.push(`${where}: documented without a body, answered one`);
      validated++;
      continue;
    }
    const essence = exchange.type.split(';')[0]?.trim() ?? '';
    if (!(essence in response.content)) {
      violations.push(`${where}: content type ${exchange.type} is not documented (${Object.keys(response.content).join(', ')})`);
      continue;
    }
    const mediaPointer = `${pointer}/responses/${exchange.status}/content/${escape(essence)}/schema`;
    if (essence === 'text/event-stream') {
      const events: { event: string; data: unknown }[] = response.content[essence]?.schema?.contentSchema === undefined ? [] : (exchange.events ?? []);
      for (const event of events) {
        const check = validator(`${mediaPointer}/contentSchema`);
        const shown = `${event.event} ${JSON.stringify(event.data)}`;
        if (!check(event)) violations.push(`${where}: event ${shown}: ${explain(check.errors)}`);
      }
    } else {
      const check = validator(mediaPointer);
      if (!check(exchange.response)) violations.push(`${where}: answer ${JSON.stringify(exchange.response).slice(0, 300)}: ${explain(check.errors)}`);
    }
    validated++;
  }
  return { validated, violations };
}

/**
 * A body the document refuses must be refused by the service; a body it allows must not be
 * refused by the service's schema check ("Invalid request: …"), though the service's rules may
 * still refuse it (a window passed, a limit on frequently forwarded messages).
 */
function checkRequest(exchange: Exchange, operation: Operation, pointer: string, validator: (pointer: string) => ValidateFunction): string[] {
  if (exchange.raw) return [];
  if (exchange.body === undefined) {
    return operation.requestBody?.required && exchange.status < 300 ? ['a required body was left out, and the service accepted that'] : [];
  }
  // An operation that takes no body ignores one, as HTTP allows.
  if (!operation.requestBody?.content?.['application/json']) return [];
  const check = validator(`${pointer}/requestBody/content/application~1json/schema`);
  const allowed = check(exchange.body);
  const problem = exchange.response as { detail?: unknown; details?: { in?: unknown } } | null;
  const refusedBySchema = exchange.status === 400 && /^Invalid request: /.test(String(problem?.detail)) && problem?.details?.in === 'body';
  if (!allowed && exchange.status < 400) return [`the document refuses this body (${explain(check.errors)}), the service accepted it`];
  if (allowed && refusedBySchema) return [`the document allows this body, the service refused it: ${String((exchange.response as { detail?: unknown }).detail)}`];
  return [];
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function explain(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`).join('; ');
}
