// The one timeout race: health probes and the local gateway both bound a promise this way.

/**
 * Settles as `promise` does, or rejects with a TimeoutError ("Task timed out", as Lambda says)
 * after `ms`. The timer is cleared either way, so a finished race keeps no process alive.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error("Task timed out"), { name: "TimeoutError" })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
