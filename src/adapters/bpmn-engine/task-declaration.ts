import { taskAttributes, taskFields, type TaskAttribute, type TaskField } from './schema.js';

/** A `<wa:task>` as written in the BPMN file. */
export interface TaskDeclaration {
  attributes: Partial<Record<TaskAttribute, string>>;
  fields: Partial<Record<TaskField, string>>;
}

interface ModdleElement {
  $type?: string;
  [name: string]: unknown;
}

/** The `<wa:task>` of a service task, if it has one. */
export function findTaskDeclaration(extensionElements: unknown): TaskDeclaration | undefined {
  const values = (extensionElements as { values?: ModdleElement[] } | undefined)?.values;
  const task = values?.find((value) => value.$type === 'wa:Task');
  if (!task) return undefined;
  const declaration: TaskDeclaration = { attributes: {}, fields: {} };
  for (const name of taskAttributes) {
    const value = task[name];
    if (typeof value === 'string') declaration.attributes[name] = value;
  }
  for (const name of taskFields) {
    const value = (task[name] as { value?: unknown } | undefined)?.value;
    if (typeof value === 'string') declaration.fields[name] = value.trim();
  }
  return declaration;
}

/**
 * The component's properties from a declaration. `location` and `contact` may be written as JSON
 * data; anything else (and text that is not JSON) goes to the component as written, which
 * evaluates the expressions itself.
 */
export function toComponentProperties(declaration: TaskDeclaration): Record<string, unknown> {
  const { attributes, fields } = declaration;
  const properties: Record<string, unknown> = { ...fields };
  for (const name of ['location', 'contact'] as const) {
    const text = fields[name];
    if (text !== undefined) properties[name] = parseJsonData(text) ?? text;
  }
  if (attributes.connection !== undefined) properties.connection = attributes.connection;
  if (attributes.action !== undefined) properties.action = attributes.action;
  if (attributes.resultVariable !== undefined) properties.resultVariable = attributes.resultVariable;
  if (attributes.timeoutMs !== undefined) properties.timeoutMs = Number(attributes.timeoutMs);
  return properties;
}

function parseJsonData(text: string): unknown {
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
