/**
 * The stylesheet of the built-in pages, inlined under the page's CSP nonce (no external requests, no build step).
 * Neutral and readable: system fonts, high contrast (WCAG AA), visible focus, comfortable targets, dark mode.
 */
export const stylesheet = `
:root {
  color-scheme: light dark;
  --bg: #f3f5f8; --card: #ffffff; --text: #1c2330; --muted: #5a6474; --border: #d5dbe4;
  --accent: #2453c7; --accent-hover: #1b3f9c; --accent-text: #ffffff;
  --danger: #b42318; --danger-bg: #fef3f2; --focus: #7aa2ff;
  --secondary-bg: #ffffff; --secondary-hover: #eef1f6;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f141b; --card: #171e28; --text: #e6ebf2; --muted: #a3adbd; --border: #2c3645;
    --accent: #5b8cff; --accent-hover: #7aa2ff; --accent-text: #0b1020;
    --danger: #ff8a80; --danger-bg: #2a1715; --focus: #9bb8ff;
    --secondary-bg: #171e28; --secondary-hover: #202a37;
  }
}
* { box-sizing: border-box; }
html { font-size: 100%; }
body {
  margin: 0; min-height: 100vh; display: flex; flex-direction: column; align-items: center; justify-content: center;
  padding: 2rem 1rem; background: var(--bg); color: var(--text);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.brand { display: flex; align-items: center; gap: .5rem; margin-bottom: 1.25rem; color: var(--muted);
  font-weight: 600; letter-spacing: .02em; }
.brand svg { width: 1.75rem; height: 1.75rem; }
main { width: 100%; max-width: 27rem; background: var(--card); border: 1px solid var(--border); border-radius: .75rem;
  padding: 2rem; box-shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 8px 24px rgba(16, 24, 40, .08); }
main > :last-child { margin-bottom: 0; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .5rem; }
.lead { margin: 0 0 1.5rem; color: var(--muted); }
.lead strong { color: var(--text); }
form { margin: 0; }
.field { margin-bottom: 1rem; }
label { display: block; font-weight: 600; margin-bottom: .375rem; }
input[type=text], input[type=password] {
  display: block; width: 100%; padding: .625rem .75rem; font: inherit; color: var(--text); background: var(--card);
  border: 1px solid var(--border); border-radius: .5rem;
}
input[aria-invalid=true] { border-color: var(--danger); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
input:focus-visible { outline-offset: 0; border-color: var(--accent); }
.alert { margin: 0 0 1.25rem; padding: .75rem 1rem; border-radius: .5rem; border: 1px solid var(--danger);
  background: var(--danger-bg); color: var(--danger); }
.alert p { margin: 0; }
.alert p + p { margin-top: .25rem; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
button {
  flex: 1; min-height: 2.75rem; padding: .625rem 1rem; font: inherit; font-weight: 600; border-radius: .5rem;
  cursor: pointer; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text);
}
button:hover { background: var(--accent-hover); border-color: var(--accent-hover); }
button.secondary { background: var(--secondary-bg); color: var(--text); border-color: var(--border); }
button.secondary:hover { background: var(--secondary-hover); }
.cancel { margin-top: 1rem; text-align: center; }
button.link { flex: none; min-height: 2.75rem; padding: .5rem .75rem; border: 0; background: none; color: var(--muted);
  font-weight: 500; font-size: .9375rem; text-decoration: underline; text-underline-offset: .2em; }
button.link:hover { background: none; color: var(--text); }
.scopes { list-style: none; margin: 0; padding: 0; border: 1px solid var(--border); border-radius: .5rem; }
.scopes li { padding: .75rem 1rem; display: flex; gap: .75rem; align-items: flex-start; }
.scopes li + li { border-top: 1px solid var(--border); }
.scopes .check { flex: none; width: 1.25rem; height: 1.25rem; margin-top: .125rem; color: var(--accent); }
.scopes .name { display: block; font-weight: 600; }
.scopes .detail { display: block; color: var(--muted); font-size: .875rem; }
.account { margin: 0 0 1.25rem; font-size: .9375rem; color: var(--muted); }
.fine { margin: 1.25rem 0 0; font-size: .875rem; color: var(--muted); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .875em; }
footer { margin-top: 1.5rem; font-size: .8125rem; color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
