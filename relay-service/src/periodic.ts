/**
 * A background round that runs again `intervalMs` after the previous one finished (never
 * two at once), whose failures are reported and retried at the next round, and whose
 * `stop()` waits for a round in progress (a long round checks `stopping()` to end early). The timer does not keep the process alive.
 */
export interface PeriodicTask {
  stop(): Promise<void>;
}

export function startPeriodic(options: { intervalMs: number; firstDelayMs?: number; round: (stopping: () => boolean) => Promise<void>; onError: (err: unknown) => void }): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = options.round(() => stopped)
        .catch(options.onError)
        .finally(() => {
          running = undefined;
          schedule(options.intervalMs);
        });
    }, delay);
    timer.unref();
  }

  schedule(options.firstDelayMs ?? options.intervalMs);
  return {
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
