import { ConnectorError } from '../domain/errors.js';
import { expressionLimits } from '../domain/limits.js';

const count = (value: number) => value.toLocaleString('en-US');

/**
 * What one evaluation may still spend. Expressions have no loops, so every node runs at most once;
 * what can grow without bound is the work helpers and operators do with long values (joining a
 * list, upper-casing a text, serialising data). That work is counted here, and every value that
 * can grow is measured BEFORE it is built, so a runaway expression stops early with memory bounded.
 *
 * @example const budget = new Budget(); compiled.evaluate(scope, budget); budget.steps // → work done
 */
export class Budget {
  private spent = 0;

  constructor(
    readonly maxSteps: number = expressionLimits.maxSteps,
    readonly maxTextLength: number = expressionLimits.maxTextLength,
  ) {}

  /** The steps spent so far: characters and items gone through. */
  get steps(): number {
    return this.spent;
  }

  /** Counts `steps` characters or items of work; refuses once the evaluation has spent too much. */
  spend(steps: number): void {
    this.spent += steps;
    if (this.spent > this.maxSteps) {
      throw new ConnectorError('EXPRESSION_ERROR', `The expression needs more than ${count(this.maxSteps)} steps`, {
        steps: this.spent,
        maxSteps: this.maxSteps,
      });
    }
  }

  /** Refuses a text of `length` characters before it is built, and counts building it. */
  allowText(length: number): void {
    this.checkLength(length);
    this.spend(length);
  }

  /**
   * Refuses a text of `length` characters before it is built, without counting it: for a text
   * that grows by appending, where each step is counted as what it appends.
   */
  checkLength(length: number): void {
    if (length > this.maxTextLength) {
      throw new ConnectorError(
        'EXPRESSION_ERROR',
        `A text of ${count(length)} characters is too long (at most ${count(this.maxTextLength)})`,
        { length, maxTextLength: this.maxTextLength },
      );
    }
  }
}
