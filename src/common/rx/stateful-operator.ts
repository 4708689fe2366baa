import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';

/** What a stateful operator does with each value and at the end. */
export interface OperatorSteps<In> {
  next(value: In): void;
  /** Default: complete the output. */
  complete?(): void;
}

/**
 * An operator with state of its own (a parser, a rewriter), whose steps may
 * throw. As in RxJS's own operators, a throw ends this stream with that
 * error (and unsubscribes the source), so the caller answers it as a failed
 * request. A throw from a plain `subscribe({ next })` observer would escape
 * instead: RxJS reports it as an uncaught exception, and Node exits.
 * `setup` runs once per subscription and gets the output subscriber.
 */
export function statefulOperator<In, Out>(
  setup: (output: Subscriber<Out>) => OperatorSteps<In>,
): OperatorFunction<In, Out> {
  return (source) =>
    new Observable<Out>((output) => {
      const steps = setup(output);
      return source.subscribe({
        next: (value) => {
          try {
            steps.next(value);
          } catch (error) {
            output.error(error);
          }
        },
        error: (error: unknown) => output.error(error),
        complete: () => {
          try {
            if (steps.complete) {
              steps.complete();
            } else {
              output.complete();
            }
          } catch (error) {
            output.error(error);
          }
        },
      });
    });
}
