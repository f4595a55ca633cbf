/** How calls share statements: at most `maxBatch` per statement, `maxInFlight` statements at once. */
export interface StatementGroupOptions {
  maxBatch?: number | undefined;
  maxInFlight?: number | undefined;
}

interface Call<Request, Response> {
  request: Request;
  resolve: (response: Response) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups calls made at the same time into one statement each: calls made while `maxInFlight`
 * statements are in flight (and within one turn of the event loop) go in the next one, up to
 * `maxBatch`. No timer is waited on, so a lone call goes at once. When a statement fails as a
 * whole, its calls are sent again one per statement, so an error reaches only the call that caused
 * it.
 */
export class StatementGroups<Request, Response> {
  readonly #run: (requests: readonly Request[]) => Promise<Response[]>;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #queue: Array<Call<Request, Response>> = [];
  #inFlight = 0;
  #scheduled = false;

  /** `run` makes one statement of the requests and returns one response per request, in order. */
  constructor(
    run: (requests: readonly Request[]) => Promise<Response[]>,
    options: StatementGroupOptions = {},
  ) {
    this.#run = run;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 64);
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? 4);
  }

  call(request: Request): Promise<Response> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        this.#inFlight++;
        void this.#send(batch).finally(() => {
          this.#inFlight--;
          this.#schedule();
        });
      }
    });
  }

  async #send(batch: Array<Call<Request, Response>>): Promise<void> {
    let responses: Response[];
    try {
      responses = await this.#run(batch.map((call) => call.request));
    } catch (error) {
      if (batch.length > 1) {
        await Promise.all(batch.map((call) => this.#send([call])));
        return;
      }
      batch[0]?.reject(error);
      return;
    }
    batch.forEach((call, i) => {
      call.resolve(responses[i] as Response);
    });
  }
}
