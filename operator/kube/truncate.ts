/**
 * Truncation by UTF-8 bytes. The API server limits strings such as an Event's `note` (1 kB) by their encoded length,
 * not by JavaScript's UTF-16 code units: a note of 600 'é' is 600 units but 1,200 bytes and would be refused.
 */

/** `text` cut to at most `maxBytes` UTF-8 bytes, never inside a character (a code point is kept whole or dropped). */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  // Back up to the first byte of the character that straddles the limit (continuation bytes are 10xxxxxx).
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}
