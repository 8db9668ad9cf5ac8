/**
 * What the bundles get for `node-fetch` (functions/catalog.ts bundleAliases): @hubspot/api-client
 * calls node-fetch v2, whose WHATWG URL polyfill (whatwg-url, tr46) is about 280 KB of bundle,
 * while Node 24 has fetch built in. The SDK's contacts module uses `fetch(url, { method, body,
 * headers, agent })`, `response.status`, `headers.forEach`, `text()` and `buffer()`: `agent`
 * is node-fetch's own option (Node's fetch pools connections itself) and `buffer()` is
 * node-fetch's, read here from the body's bytes.
 * https://github.com/node-fetch/node-fetch/tree/2.x#api
 */
type NodeFetchInit = RequestInit & { agent?: unknown };

export default async function fetchShim(url: string | URL, init: NodeFetchInit = {}): Promise<Response & { buffer(): Promise<Buffer> }> {
  const { agent: _agent, ...rest } = init;
  const response = await globalThis.fetch(url, rest);
  return Object.assign(response, { buffer: async () => Buffer.from(await response.arrayBuffer()) });
}
