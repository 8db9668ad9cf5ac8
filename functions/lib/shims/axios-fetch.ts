/**
 * What klaviyo-api gets for `axios` in the bundles (functions/prune-klaviyo-sdk.ts; nothing else
 * does: another package's axios is left alone). axios with form-data and mime-db behind it is
 * about 250 KB of bundle, while the SDK uses one call of it: every request of dist/api/*.js goes
 * through `axios(config)` (dist/api/apis.js, RetryWithExponentialBackoff), with a config of
 * `method, url, headers, params, data` only, and the retry reads `isAxiosError(error)` and
 * `error.response.status` and `.headers['retry-after']`. This module does that over Node's fetch,
 * as axios 1.x's node adapter does it by default:
 * - the query: `params` appended to the URL as axios' buildURL writes it (encodeURIComponent,
 *   then `:`, `$`, `,` left plain and spaces as `+`; null and undefined values skipped, Dates as
 *   ISO strings), so `page[size]` goes out as `page%5Bsize%5D`;
 * - the headers: `Accept: application/json, text/plain, *\/*` unless given, `Content-Type:
 *   application/json` for a JSON body (a POST, PUT or PATCH without one gets
 *   `application/x-www-form-urlencoded`, as axios' dispatchRequest sets it);
 * - the body: JSON.stringify of an object, as axios' transformRequest writes it;
 * - the answer: `{ status, statusText, headers (lower-case keys, set-cookie as an array), data,
 *   config }`, `data` parsed from JSON when it is JSON, else the text ('' for an empty body, as
 *   axios gives it: a 202 of Klaviyo's jobs and events);
 * - a status outside 2xx throws an axios-like error: `{ isAxiosError: true, name: 'AxiosError',
 *   message: 'Request failed with status code 409', code: 'ERR_BAD_REQUEST' (4xx) or
 *   'ERR_BAD_RESPONSE', status, response, config }`; no answer throws one with the network
 *   error's message and code (ECONNREFUSED ...) and no response.
 * Whatever else axios does is not here and throws (ERR_NOT_SUPPORT, naming this file): any other
 * config option (baseURL, timeout, auth, signal, paramsSerializer, responseType, adapters ...), a
 * body that is not a plain object or array (FormData, streams, Buffers, strings), array or object
 * query values (the SDK joins arrays before, queryParamPreProcessor), credentials in the URL, and
 * `new AxiosHeaders()` (only the SDK's OAuth token exchange uses it).
 * Two differences remain on the wire: a `'` in the query goes out as `%27` (fetch's URL parser
 * encodes it; axios writes it raw: the same value once decoded), and the headers the HTTP client
 * adds itself (fetch: `accept-encoding: gzip, deflate`, `accept-language`, `sec-fetch-mode`;
 * axios: `Accept-Encoding: gzip, compress, deflate, br`).
 * https://axios-http.com/docs/req_config, node_modules/axios/lib/helpers/buildURL.js
 */
export interface AxiosLikeRequest {
  method?: string;
  url: string;
  headers?: Record<string, unknown>;
  params?: Record<string, unknown>;
  data?: unknown;
}

export interface AxiosLikeResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[]>;
  data: unknown;
  config: AxiosLikeRequest;
}

const SHIM = 'functions/lib/shims/axios-fetch.ts';
const SUPPORTED_OPTIONS = new Set(['method', 'url', 'headers', 'params', 'data']);
/** The encodings fetch decodes; axios removes the header of those it decoded. */
const DECODED_ENCODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);

export class AxiosLikeError extends Error {
  readonly isAxiosError = true;
  code?: string;
  config?: AxiosLikeRequest;
  response?: AxiosLikeResponse;
  status?: number;

  constructor(message: string, code: string | undefined, config?: AxiosLikeRequest, response?: AxiosLikeResponse, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AxiosError';
    if (code) this.code = code;
    if (config) this.config = config;
    if (response) {
      this.response = response;
      this.status = response.status;
    }
  }
}

const unsupported = (what: string, config?: AxiosLikeRequest) =>
  new AxiosLikeError(`axios ${what} is not supported in omnihub bundles: klaviyo-api gets a fetch-based axios (${SHIM})`, 'ERR_NOT_SUPPORT', config);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value));

/** axios' buildURL `encode`: encodeURIComponent, with `:`, `$`, `,` plain again and spaces as `+`. */
export function encodeParam(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%24/g, '$').replace(/%2C/gi, ',').replace(/%20/g, '+');
}

/** The query axios appends for `params` (helpers/buildURL.js and toFormData.js' default visitor), '' for none. */
export function serializeParams(params: Record<string, unknown> | undefined, config?: AxiosLikeRequest): string {
  if (!params) return '';
  return Object.entries(params)
    .flatMap(([key, value]) => {
      if (value === undefined || value === null) return [];
      if (typeof value === 'object' && !(value instanceof Date)) throw unsupported(`query parameter "${key}" holding an array or object`, config);
      const text = value instanceof Date ? value.toISOString() : String(value);
      return [`${encodeParam(key.trim())}=${encodeParam(text)}`];
    })
    .join('&');
}

/** The request URL as axios' node adapter writes it: the URL parsed (hash dropped), then the params appended. */
function requestUrl(config: AxiosLikeRequest): string {
  const parsed = new URL(config.url);
  if (parsed.username || parsed.password) throw unsupported('credentials in the URL', config);
  const query = serializeParams(config.params, config);
  const path = parsed.pathname + parsed.search;
  return parsed.origin + (query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path);
}

/** The headers axios sends of the config's (lower-case names, later spellings win; null, undefined and false left out), with its defaults. */
function requestHeaders(config: AxiosLikeRequest, method: string, jsonBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && value !== true) throw unsupported(`header "${name}" that is not a string`, config);
    headers[name.toLowerCase()] = String(value);
  }
  headers.accept ??= 'application/json, text/plain, */*';
  if (jsonBody) {
    headers['content-type'] ??= 'application/json';
    if (!headers['content-type'].includes('application/json')) throw unsupported(`a body sent as ${headers['content-type']}`, config);
  }
  if (['POST', 'PUT', 'PATCH'].includes(method)) headers['content-type'] ??= 'application/x-www-form-urlencoded';
  return headers;
}

/** The config's body as axios' transformRequest writes it: JSON for a plain object or array, nothing for none. */
function requestBody(config: AxiosLikeRequest): string | undefined {
  if (config.data === undefined || config.data === null) return undefined;
  if (!isPlainObject(config.data) && !Array.isArray(config.data)) throw unsupported('a body that is not a plain object or array (FormData, stream, Buffer, string)', config);
  return JSON.stringify(config.data);
}

function responseHeaders(response: Response): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  if (DECODED_ENCODINGS.has(String(headers['content-encoding']).toLowerCase())) delete headers['content-encoding'];
  return headers;
}

/** axios' default transformResponse: JSON when it parses, else the text as it came. */
function responseData(text: string): unknown {
  if (!text) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The network failure under fetch's `TypeError: fetch failed`, as axios' AxiosError.from reports it. */
function networkError(error: unknown, config: AxiosLikeRequest): AxiosLikeError {
  const cause = (error instanceof Error && error.cause instanceof Error ? error.cause : error) as Error & { code?: string; errors?: Error[] };
  const message = cause.message || (cause.errors ?? []).map((entry) => entry.message).filter(Boolean).join('; ') || cause.name;
  const wrapped = new AxiosLikeError(message, cause.code, config, undefined, cause);
  wrapped.name = cause.name;
  return wrapped;
}

async function request(config: AxiosLikeRequest): Promise<AxiosLikeResponse> {
  const options = Object.keys(config).filter((key) => config[key as keyof AxiosLikeRequest] !== undefined && !SUPPORTED_OPTIONS.has(key));
  if (options.length > 0) throw unsupported(`option ${options.join(', ')}`, config);
  const method = (config.method ?? 'get').toUpperCase();
  const body = requestBody(config);
  const init: RequestInit = { method, headers: requestHeaders(config, method, body !== undefined), ...(body === undefined ? {} : { body }) };
  const url = requestUrl(config);
  let answer: Response;
  try {
    answer = await fetch(url, init);
  } catch (error) {
    throw networkError(error, config);
  }
  const response: AxiosLikeResponse = { status: answer.status, statusText: answer.statusText, headers: responseHeaders(answer), data: responseData(await answer.text()), config };
  if (answer.status >= 200 && answer.status < 300) return response;
  throw new AxiosLikeError(`Request failed with status code ${answer.status}`, answer.status >= 400 && answer.status < 500 ? 'ERR_BAD_REQUEST' : 'ERR_BAD_RESPONSE', config, response);
}

/** axios' `isAxiosError`: an object flagged `isAxiosError: true`. */
export function isAxiosError(payload: unknown): payload is AxiosLikeError {
  return typeof payload === 'object' && payload !== null && (payload as { isAxiosError?: unknown }).isAxiosError === true;
}

/** The SDK's OAuth token exchange (OAuthApi) builds its headers with it: not supported. */
export class AxiosHeaders {
  constructor() {
    throw unsupported('AxiosHeaders (klaviyo-api OAuthApi token requests)');
  }
}

/** `require('axios')` as klaviyo-api reads it: callable, with `isAxiosError` and `AxiosHeaders` beside it. */
const axios = Object.assign((config: AxiosLikeRequest) => request(config), { isAxiosError, AxiosHeaders, AxiosError: AxiosLikeError });
export default axios;
