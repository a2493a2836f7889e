import express, { type Request, type RequestHandler, type Response } from 'express';
import { loggableParams } from '../authorization/parameters.ts';
import type { ResolveDeps } from '../authorization/resolve.ts';
import { contextOf } from '../http/context.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { paths } from '../http/paths.ts';
import { csrfTokenMatches } from '../interactions/csrf.ts';
import { CsrfMismatch, InteractionNotFound } from '../interactions/load.ts';
import type { LoginThrottle } from '../interactions/login-throttle.ts';
import { interactionPath } from '../interactions/paths.ts';
import { secretId } from '../models/ids.ts';
import type { DeviceCode } from '../models/types.ts';
import { deviceResultPage, userCodePage } from '../pages/device-page.ts';
import { pageErrorHandler } from '../pages/page-error-handler.ts';
import { pageHeaders, sendPage } from '../pages/send.ts';
import { cookieNames, CookieJar } from '../sessions/cookies.ts';
import { epochSeconds } from '../time/clock.ts';
import { checkDeviceRequest } from './check-request.ts';
import { deviceClientName, resolveDevice } from './resolve.ts';
import { normalizeUserCode } from './user-code.ts';
import { deviceResumePath, verificationUri } from './verification-uri.ts';

/**
 * The user-code page (RFC 8628 §3.3) at `/device`, mounted only when `features.deviceFlow.enabled`. GET shows the
 * form (prefilled from `verification_uri_complete`); POST checks the CSRF token (double submit: a signed cookie and
 * the form field), the rate limit (every entry counts against the login throttle, per address, before the code is
 * looked up; a valid code gives its place back), and the code —
 * unknown, expired and already answered codes get the same message — then hands the device request to the existing
 * login and consent interactions, which return to `/device/resume/:uid`. There the answer is recorded in the
 * DeviceCode: approved (`resolve.ts`) or denied (`access_denied` for the polling device).
 */

export interface DeviceVerificationDeps extends ResolveDeps {
  throttle: LoginThrottle;
}

const invalidCode = 'That code is not valid or has expired. Check the code on your device and try again.';

function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** A device request the browser may still answer: live, and neither approved nor denied yet. */
function pending(device: DeviceCode | undefined, now: number): device is DeviceCode {
  return device !== undefined && (device.expiresAt ?? device.exp) > now && !device.result && !device.consumed;
}

export function deviceVerificationEndpoint(deps: DeviceVerificationDeps): Endpoint {
  const { config } = deps;
  const action = verificationUri(config.issuer);

  const csrfOf = (req: Request, res: Response): { cookies: CookieJar; csrf: string } => {
    const cookies = new CookieJar(req, res, deps.keys.current.cookieKeys, config.issuer);
    const csrf = cookies.get(cookieNames.deviceCsrf) ?? secretId();
    cookies.set(cookieNames.deviceCsrf, csrf, { path: paths.deviceVerification, maxAge: config.ttl.deviceCode });
    return { cookies, csrf };
  };

  const form = (res: Response, csrf: string, status = 200, extra: { userCode?: string; error?: string } = {}) => {
    sendPage(res, status, (nonce) => userCodePage({ nonce, action, csrfToken: csrf, ...extra }));
  };

  const show: RequestHandler = (req, res) => {
    contextOf(req, res, 'device_verification');
    const { csrf } = csrfOf(req, res);
    const prefill = typeof req.query.user_code === 'string' ? req.query.user_code.slice(0, 20) : undefined;
    form(res, csrf, 200, prefill === undefined ? {} : { userCode: prefill });
  };

  const enter: RequestHandler = async (req, res) => {
    contextOf(req, res, 'device_verification');
    const cookies = new CookieJar(req, res, deps.keys.current.cookieKeys, config.issuer);
    const expected = cookies.get(cookieNames.deviceCsrf);
    if (expected === undefined || !csrfTokenMatches(expected, field(req.body, 'csrf'))) throw new CsrfMismatch();
    const typed = (field(req.body, 'user_code') ?? '').slice(0, 40);
    const address = req.ip ?? req.socket.remoteAddress ?? '';
    // Wrong codes count per address (the "username" is the address too: there is no account yet).
    const attempt = { username: `device-user-code ${address}`, address };
    // Counted before the code is looked up (parallel guesses cannot all slip under the limit); a valid code refunds.
    const wait = await deps.throttle.admit(attempt);
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      const minutes = Math.ceil(wait / 60);
      const error = `Too many attempts. Try again in ${String(minutes)} minute${minutes === 1 ? '' : 's'}.`;
      form(res, expected, 429, { userCode: typed, error });
      return;
    }
    const userCode = normalizeUserCode(typed);
    const device = userCode === undefined ? undefined : await deps.models.findDeviceCodeByUserCode(userCode);
    if (!pending(device, epochSeconds(deps.clock))) {
      form(res, expected, 400, { userCode: typed, error: invalidCode });
      return;
    }
    // Only this entry's place is given back: a valid code (an attacker can make their own) clears no earlier failure.
    await deps.throttle.refund(attempt);
    const request = await checkDeviceRequest(device.params, deps);
    await resolveDevice(req, res, device, request, deps);
  };

  const resume: RequestHandler = async (req, res) => {
    const ctx = contextOf(req, res, 'device_verification');
    const uid = String(req.params.uid);
    const cookies = new CookieJar(req, res, deps.keys.current.cookieKeys, config.issuer);
    const interaction = await deps.models.find('Interaction', uid);
    if (!interaction?.deviceUserCode || cookies.get(cookieNames.resume) !== uid) throw new InteractionNotFound();
    await deps.models.destroy('Interaction', interaction);
    cookies.clear(cookieNames.resume, deviceResumePath(uid));
    cookies.clear(cookieNames.interaction, interactionPath(uid));
    // The interaction is resolved and the request goes on — even when the code expired or the re-check refuses it.
    ctx.oidc.params = loggableParams(interaction.params);
    deps.events.emitSafely('interaction.ended', ctx);
    const device = await deps.models.findDeviceCodeByUserCode(interaction.deviceUserCode);
    if (!pending(device, epochSeconds(deps.clock))) {
      const { csrf } = csrfOf(req, res);
      form(res, csrf, 400, { error: invalidCode });
      return;
    }
    const request = await checkDeviceRequest(interaction.params, deps);
    const failure = interaction.result?.error;
    if (failure) {
      const denied = {
        error: failure.error,
        ...(failure.errorDescription ? { errorDescription: failure.errorDescription } : {}),
      };
      await deps.models.save({ ...device, result: denied });
      sendPage(res, 200, (nonce) =>
        deviceResultPage({ nonce, approved: false, clientName: deviceClientName(request) }),
      );
      return;
    }
    await resolveDevice(req, res, device, request, deps, interaction.result);
  };

  const parseForm = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  return {
    name: 'device_verification',
    mount(router) {
      if (!config.features.deviceFlow.enabled) return;
      router.get(paths.deviceVerification, pageHeaders, show);
      router.post(paths.deviceVerification, pageHeaders, parseForm, enter);
      router.get(`${paths.deviceVerification}/resume/:uid`, pageHeaders, resume);
      router.use(paths.deviceVerification, pageErrorHandler(deps.events, 'This device sign-in cannot continue'));
    },
  };
}
