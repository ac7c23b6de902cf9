/**
 * The circuit breaker of every built-in executor that calls a service (a model
 * endpoint, GitHub): after five failures in a row, a rest of 30 seconds instead of
 * more requests. weft.config.mjs and a workflow's `circuitBreakers` override it.
 */
import type { CircuitBreakerOptions } from '../engine/types.js';

export const SERVICE_CIRCUIT_BREAKER: Readonly<CircuitBreakerOptions> = Object.freeze({ failureThreshold: 5, resetAfter: '30s' });
