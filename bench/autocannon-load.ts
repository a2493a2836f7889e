/**
 * The same load through autocannon (BENCH_DRIVER=autocannon), kept to cross-check the bench's own driver
 * (`net-load.ts`) on scenarios far from saturating the load core. Its accounting is `load.ts`'s.
 */
import autocannon from 'autocannon';
import type { LoadLength, LoadRequest, LoadResult } from './load.ts';

export async function runAutocannonLoad(
  baseUrl: string,
  request: LoadRequest,
  { connections, ...length }: { connections: number } & LoadLength,
): Promise<LoadResult> {
  let accepted = 0;
  let rejected = 0;
  let firstError: string | undefined;
  let exhausted = false;
  // setupRequest may run before autocannon() returns (the first request is built at once): stop through a holder.
  const control: { stop?: () => void } = {};
  const started = performance.now();
  const instance = autocannon({
    url: baseUrl,
    connections,
    ...('seconds' in length ? { duration: length.seconds } : { amount: length.amount }),
    timeout: 10,
    requests: [
      {
        method: request.method,
        path: request.path,
        headers: request.headers ?? {},
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.next
          ? {
              setupRequest: (req: { body?: string }, context: Record<string, unknown>) => {
                const body = request.next?.(context);
                if (body === undefined) {
                  if (!exhausted) control.stop?.();
                  exhausted = true;
                  return req; // the last body once more; the run is stopping
                }
                return { ...req, body };
              },
            }
          : {}),
        onResponse: (status: number, body: string, context: Record<string, unknown>) => {
          if (request.accept(status, body)) {
            accepted += 1;
            request.onAnswer?.(body, context);
          } else {
            rejected += 1;
            firstError ??= `${String(status)} ${body.slice(0, 200)}`;
          }
        },
      },
    ],
  });
  control.stop = () => {
    instance.stop();
  };
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  return {
    rate: accepted / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    accepted,
    errors: rejected + result.errors + result.timeouts,
    ...(firstError === undefined ? {} : { firstError }),
    seconds,
  };
}
