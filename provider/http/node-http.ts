/**
 * `node:http` as its CommonJS exports object, for the provider's modules to use instead of an ESM
 * `import … from 'node:http'`. Node builds an ESM namespace of a built-in from every one of its exports, and node:http's
 * `WebSocket`, `CloseEvent` and `MessageEvent` are lazy getters that load Node's bundled undici (fetch, WebSocket):
 * importing node:http from ESM, even one name of it, costs ≈ 3 MB of V8 heap and ≈ 10 MB of resident memory for code
 * the provider never runs (docs/performance.md, "Memory"). `process.getBuiltinModule` hands the exports object itself,
 * whose getters run only if read. Type-only imports (`import type … from 'node:http'`) cost nothing and stay as they are.
 */
export const nodeHttp = process.getBuiltinModule('node:http');
