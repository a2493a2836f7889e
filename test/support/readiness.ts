/**
 * Waiting for a control-plane component to come up: poll a readiness check, fail early with the component's log when
 * it exits, and probe HTTP(S) endpoints without trusting the self-signed certificates.
 */
import { request } from 'node:https';
import { get as httpGet } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { logTail, type LoggedProcess } from './processes.ts';

/** Polls `ready` every 200 ms; fails early with the process's log when it exits, or after `timeoutMs`. */
export async function waitUntil(proc: LoggedProcess, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.hasExited()) {
      throw new Error(`${proc.name} exited during start-up; log ${proc.logPath}:\n${logTail(proc.logPath)}`);
    }
    if (await ready()) return;
    if (Date.now() > deadline) {
      throw new Error(`${proc.name} not ready after ${timeoutMs} ms; log ${proc.logPath}:\n${logTail(proc.logPath)}`);
    }
    await sleep(200);
  }
}

/** GETs `url` and returns the status code, or 0 when nothing answers. TLS is not verified (self-signed). */
export function httpStatus(url: string, token?: string): Promise<number> {
  return new Promise((resolve) => {
    const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const onResponse = (res: { statusCode?: number | undefined; resume(): void }): void => {
      res.resume();
      resolve(res.statusCode ?? 0);
    };
    const req = url.startsWith('https:')
      ? request(url, { method: 'GET', headers, rejectUnauthorized: false, timeout: 2000 }, onResponse).end()
      : httpGet(url, { headers, timeout: 2000 }, onResponse);
    req.on('timeout', () => req.destroy());
    req.on('error', () => {
      resolve(0);
    });
  });
}
