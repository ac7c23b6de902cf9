/**
 * Circuit breakers, one per executor per engine. After `failureThreshold`
 * consecutive failures the circuit opens: attempts fail at once with
 * `CIRCUIT_OPEN` (retryable after the cool-down) instead of hammering a service
 * that is down. After `resetAfter`, one attempt is let through as a probe: its
 * success closes the circuit, its failure opens it again.
 *
 * Breakers are opt-in: an executor declares `circuitBreaker` defaults, and the
 * engine's config and a workflow's `circuitBreakers` override them field by field.
 */
import { EventEmitter } from 'eventemitter3';
import type { AttemptLayer } from './attempt.js';
import { ErrorCodes, TaskError } from './errors.js';
import { parseDuration } from './load/index.js';
import type { CircuitBreakerOptions } from './types.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitEvents {
  'circuit:change': (change: { executor: string; state: CircuitState; failures: number; at: string }) => void;
}

/** Errors that say nothing about the health of what the executor calls. */
const NOT_COUNTED = new Set<string>([
  ErrorCodes.INVALID_INPUT,
  ErrorCodes.CANCELLED,
  ErrorCodes.WAITING,
  ErrorCodes.REJECTED,
  ErrorCodes.EXPRESSION_ERROR,
  'CIRCUIT_OPEN',
]);

interface ResolvedOptions {
  failureThreshold: number;
  resetAfterMs: number;
}

class Breaker {
  failures = 0;
  openedAt = 0;
  probing = false;
  state: CircuitState = 'closed';
}

export class CircuitBreakers extends EventEmitter<CircuitEvents> {
  private readonly breakers = new Map<string, Breaker>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  /** The current state of a circuit: `executor`, or `executor key` for executors that key theirs by service. */
  state(executor: string): CircuitState {
    return this.breakers.get(executor)?.state ?? 'closed';
  }

  /**
   * The attempt layer. Attempts without `call.circuitBreaker` settings pass straight
   * through, with no exit: they cost one property read.
   */
  layer(): AttemptLayer {
    return (call) => {
      if (!call.circuitBreaker) return undefined;
      const { executor } = call;
      const key = executor.circuitKey ? executor.circuitKey(call.input, call.ctx.env) : '';
      if (key === undefined) return undefined;
      const options = resolve(call.circuitBreaker);
      const name = key ? `${executor.name} ${key}` : executor.name;
      this.admit(name, options);
      return {
        succeeded: (result) => {
          this.succeeded(name);
          return result;
        },
        failed: (error) => {
          this.failed(name, TaskError.from(error), options);
          return error;
        },
      };
    };
  }

  private breaker(executor: string): Breaker {
    let breaker = this.breakers.get(executor);
    if (!breaker) this.breakers.set(executor, (breaker = new Breaker()));
    return breaker;
  }

  /** Lets the attempt through, or throws CIRCUIT_OPEN. */
  private admit(executor: string, options: ResolvedOptions): void {
    const breaker = this.breaker(executor);
    if (breaker.state === 'closed') return;
    const reopensAt = breaker.openedAt + options.resetAfterMs;
    if (breaker.state === 'open' && this.now() >= reopensAt) this.change(executor, breaker, 'half_open');
    if (breaker.state === 'half_open' && !breaker.probing) {
      breaker.probing = true;
      return;
    }
    // While a probe is out, others wait a little rather than a whole cool-down.
    const retryAfterMs = Math.max(reopensAt - this.now(), 0) || Math.min(options.resetAfterMs, 1000);
    throw new TaskError('CIRCUIT_OPEN', `the circuit for executor "${executor}" is open after ${breaker.failures} consecutive failures; next try in ${retryAfterMs} ms`, {
      retryAfterMs,
      details: { executor, failures: breaker.failures },
    });
  }

  private succeeded(executor: string): void {
    const breaker = this.breaker(executor);
    breaker.failures = 0;
    breaker.probing = false;
    if (breaker.state !== 'closed') this.change(executor, breaker, 'closed');
  }

  private failed(executor: string, error: TaskError, options: ResolvedOptions): void {
    if (NOT_COUNTED.has(error.code)) return;
    const breaker = this.breaker(executor);
    breaker.failures++;
    const probeFailed = breaker.state === 'half_open' && breaker.probing;
    breaker.probing = false;
    if (probeFailed || (breaker.state === 'closed' && breaker.failures >= options.failureThreshold)) {
      breaker.openedAt = this.now();
      this.change(executor, breaker, 'open');
    }
  }

  private change(executor: string, breaker: Breaker, state: CircuitState): void {
    breaker.state = state;
    this.emit('circuit:change', { executor, state, failures: breaker.failures, at: new Date(this.now()).toISOString() });
  }
}

function resolve(options: CircuitBreakerOptions): ResolvedOptions {
  return {
    failureThreshold: options.failureThreshold ?? 5,
    resetAfterMs: options.resetAfter === undefined ? 30_000 : parseDuration(options.resetAfter),
  };
}
