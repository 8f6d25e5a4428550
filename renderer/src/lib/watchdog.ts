/** What became of a call to the engine: its answer, no answer in time, or a thrown error. */
export type Answer<T> = { readonly kind: 'answer'; readonly value: T } | { readonly kind: 'timeout' } | { readonly kind: 'error'; readonly error: unknown };

/**
 * Waits for a bridge call at most `ms`. A call that throws or never answers becomes a value the
 * wizard turns into a screen with a way forward, never a frozen one. The late answer of a call
 * that timed out is dropped: by then the wizard has moved on.
 */
export function answerWithin<T>(call: () => Promise<T>, ms: number): Promise<Answer<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve({ kind: 'timeout' });
    }, ms);
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (error) {
      promise = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ kind: 'answer', value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        // Not swallowed: the wizard shows the failure; the log keeps the cause for support.
        console.warn('osiris bridge call failed:', error);
        resolve({ kind: 'error', error });
      },
    );
  });
}
