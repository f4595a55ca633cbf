/**
 * A cockatiel `IBreaker` that opens after a count of failures within a time window, for
 * `CircuitBreakerConfig.monitoringPeriod`. cockatiel's own `CountBreaker` and `SamplingBreaker`
 * trip on a failure *ratio* (with a minimum call count or rate), which cannot express SPANE's
 * absolute "`failureThreshold` failures within `monitoringPeriod` ms".
 * @module
 */
import { CircuitState, type IBreaker } from 'cockatiel';

/** Options of {@link WindowedFailureBreaker}. */
export interface WindowedFailureBreakerOptions {
  /** Failures within the window that open the circuit (>= 1). */
  threshold: number;
  /** Window length in ms. */
  windowMs: number;
}

interface WindowedFailureBreakerState {
  times: number[];
  next: number;
  count: number;
}

/**
 * Opens when `threshold` failures happened within the last `windowMs` ms, whatever succeeded
 * between them. Keeps only the last `threshold` failure times (a ring), so memory is fixed.
 * A successful half-open trial (the circuit closing) forgets every failure.
 */
export class WindowedFailureBreaker implements IBreaker {
  readonly #threshold: number;
  readonly #windowMs: number;
  #times: number[];
  #next = 0;
  #count = 0;

  constructor(options: WindowedFailureBreakerOptions) {
    this.#threshold = options.threshold;
    this.#windowMs = options.windowMs;
    this.#times = new Array<number>(options.threshold).fill(0);
  }

  /** Serializable state, as cockatiel's `toJSON()` / `initialState` expect. */
  get state(): unknown {
    return { times: [...this.#times], next: this.#next, count: this.#count };
  }

  set state(value: unknown) {
    const state = value as WindowedFailureBreakerState;
    this.#times = [...state.times];
    this.#next = state.next;
    this.#count = state.count;
  }

  /** A success in the closed state keeps the window; one that closes the circuit clears it. */
  success(state: CircuitState): void {
    if (state === CircuitState.HalfOpen) this.#count = 0;
  }

  /** Records a failure; true when `threshold` failures now fall within the window. */
  failure(_state: CircuitState): boolean {
    const now = Date.now();
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % this.#threshold;
    if (this.#count < this.#threshold) this.#count++;
    if (this.#count < this.#threshold) return false;
    // The ring is full, so the slot to be overwritten next holds the oldest of the last failures.
    const oldest = this.#times[this.#next] ?? now;
    return now - oldest <= this.#windowMs;
  }
}
