import { ConnectorError } from '../domain/errors.js';
import { expressionLimits } from '../domain/limits.js';
import type { Budget } from './budget.js';

const cannotShow = (reason: string, details?: Record<string, unknown>) =>
  new ConnectorError('EXPRESSION_ERROR', `This value cannot be shown as text: ${reason}`, details);

/**
 * Walks data the way JSON.stringify (or an array's toString) will, before it runs: refuses data
 * that refers to itself, holds a BigInt or nests deeper than `expressionLimits.maxDataDepth` (which
 * would overflow the stack), and refuses as soon as the text would outgrow the budget. Returns a
 * lower bound of the text's length. The walk itself stops within the budget's text length, so
 * measuring a huge value costs no more than the text it is allowed to become.
 */
export function measureData(value: unknown, budget: Budget): number {
  const walk = new Walk(budget);
  walk.visit(value, 0);
  budget.spend(walk.length);
  return walk.length;
}

class Walk {
  length = 0;
  private readonly ancestors = new Set<object>();

  constructor(private readonly budget: Budget) {}

  visit(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        return this.add(value.length + 2);
      case 'number':
        return this.add(String(value).length);
      case 'boolean':
        return this.add(value ? 4 : 5);
      case 'bigint':
        throw cannotShow('it holds a BigInt');
      case 'object':
        if (value === null) return this.add(4);
        return this.visitObject(value, depth);
      default:
        // Functions, symbols and undefined are left out (or read as null): a few characters at most.
        return this.add(1);
    }
  }

  private visitObject(value: object, depth: number): void {
    if (value instanceof Date) return this.add(26);
    if (depth >= expressionLimits.maxDataDepth) {
      throw cannotShow(`the data is nested more than ${expressionLimits.maxDataDepth} levels deep`, {
        maxDataDepth: expressionLimits.maxDataDepth,
      });
    }
    if (this.ancestors.has(value)) throw cannotShow('it refers to itself');
    this.ancestors.add(value);
    this.add(2);
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) {
        this.add(1);
        this.visit(item, depth + 1);
      }
    } else {
      for (const key of Object.keys(value)) {
        this.add(key.length + 3);
        this.visit((value as Record<string, unknown>)[key], depth + 1);
      }
    }
    this.ancestors.delete(value);
  }

  private add(characters: number): void {
    this.length += characters;
    this.budget.checkLength(this.length);
  }
}
