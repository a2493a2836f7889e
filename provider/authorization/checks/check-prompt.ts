/**
 * Validates `prompt` (OIDC Core §3.1.2.1): space-separated `none`, `login`, `consent`. `none` asks for no interaction
 * at all and so cannot be combined with any other value; an unknown value (`select_account` included, which the
 * built-in pages do not offer) is refused rather than ignored, since the client expects it honoured.
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck, PromptValue } from '../request.ts';

const supported: ReadonlySet<string> = new Set<PromptValue>(['none', 'login', 'consent']);

export const checkPrompt: AuthorizationCheck = (request) => {
  const value = request.params.prompt;
  if (value === undefined) return;
  const prompts = value.split(' ').filter(Boolean);
  const unsupported = prompts.find((prompt) => !supported.has(prompt));
  if (unsupported !== undefined) throw new InvalidRequest(`unsupported prompt value '${unsupported}'`);
  if (prompts.includes('none') && prompts.length > 1) {
    throw new InvalidRequest('prompt none must only be used alone');
  }
  request.prompts = new Set(prompts as PromptValue[]);
};
