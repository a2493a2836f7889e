import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * CSRF protection of the login and consent forms: each interaction has its own random token, stored with the
 * interaction record and rendered into its forms; a submission must echo it. An attacker's page can make a browser
 * post to us but cannot read our page, so it cannot know the token. Both sides are hashed before the constant-time
 * comparison, so neither the length nor the content of the expected token leaks through timing.
 */
export function csrfTokenMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
