import { z } from 'zod';
import { actionJsonSchema, actionNames, type ActionName } from '../domain/actions.js';
import { actionFields } from './evaluate-properties.js';
import { componentPropertiesSchema } from './properties.js';

export interface FormDescriptor {
  component: 'whatsapp';
  /** Fields every action has: connection, action, result variable, timeout. */
  common: Record<string, unknown>;
  /** Per action: which fields the form shows, and the JSON Schema their evaluated values must meet. */
  actions: Record<ActionName, { fields: readonly string[]; schema: Record<string, unknown> }>;
}

/**
 * A JSON description of the task for a process designer's form, derived from the same schemas
 * that validate a run.
 */
export function formDescriptor(): FormDescriptor {
  const common = componentPropertiesSchema.pick({ connection: true, action: true, resultVariable: true, timeoutMs: true });
  const actions = Object.fromEntries(
    actionNames.map((action) => [action, { fields: actionFields[action], schema: actionJsonSchema(action) }]),
  ) as unknown as FormDescriptor['actions'];
  return { component: 'whatsapp', common: z.toJSONSchema(common, { io: 'input' }) as Record<string, unknown>, actions };
}
