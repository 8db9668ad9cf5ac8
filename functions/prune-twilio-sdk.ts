import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/**
 * The `twilio` SDK (6.2.0) bundles to about 3.8 MB: its index loads TwiML, JWT and webhook
 * helpers, `Twilio` reaches ~40 product domains, and the v2010 Account every one of its ~24
 * resources, though omnihub calls one: Messages (create and list, connectors/twilio/sender.ts).
 * The SDK builds each of them lazily (a getter per domain and resource), so this plugin, in the
 * bundles only, leaves the ones never reached out:
 * - `twilio` (the index) resolves to a module with what omnihub uses of it: the client factory,
 *   RequestClient (the supported HTTP-client hook, connectors/twilio/redirect.ts) and
 *   RestException;
 * - in `rest/Twilio.js`, every domain but `Api` is required as a module that throws when reached;
 * - in `rest/api/v2010/account.js`, every resource but `message` likewise.
 * - what the Messages calls never reach, out of the SDK's dependencies: `jsonwebtoken` (access
 *   tokens, OAuth and public-key client validation; omnihub authenticates with the Auth Token),
 *   axios' `form-data` (with mime-db behind it, 150 KB: Twilio posts url-encoded forms), and `qs`
 *   (with its 50 KB of polyfills) for a stringify of flat parameters, as RequestClient calls it
 *   (`arrayFormat: "repeat"`, RFC 3986 encoding); `https-proxy-agent` (Twilio's and axios'
 *   copies, for an HTTP_PROXY a Lambda function does not have); the proxies' and follow-redirects'
 *   optional `debug` logger.
 * What is left out fails loudly when reached, never silently. In-process code (tests, the CLI)
 * loads the whole SDK; test/integration/pickup-notices.test.ts runs the pruned bundle against the fake.
 */
const OMITTED = 'omnihub-twilio-omitted';
const TWILIO_DOMAINS = /[\\/]node_modules[\\/]twilio[\\/]lib[\\/]rest[\\/]Twilio\.js$/;
const V2010_ACCOUNT = /[\\/]node_modules[\\/]twilio[\\/]lib[\\/]rest[\\/]api[\\/]v2010[\\/]account\.js$/;

/** One module for everything left out: `require(OMITTED)(what)` stands for the module, and throws once used. */
const OMITTED_MODULE = `
  module.exports = (what) => {
    const fail = () => { throw new Error('twilio SDK: ' + what + ' is left out of this bundle (functions/prune-twilio-sdk.ts); add it there if omnihub now calls it'); };
    return new Proxy(fail, { get: (_, name) => (name === '__esModule' ? false : fail), construct: fail });
  };`;
const leftOut = (what: string) => `require(${JSON.stringify(OMITTED)})(${JSON.stringify(what)})`;

export const pruneTwilioSdk: Plugin = {
  name: 'omnihub-prune-twilio-sdk',
  setup(build) {
    // Our own `import twilio from 'twilio'`: the factory and the two classes omnihub uses, not the index.
    build.onResolve({ filter: /^twilio$/ }, ({ importer }) => (/[\\/]node_modules[\\/]/.test(importer) ? undefined : { path: 'twilio-lean', namespace: 'omnihub-twilio-lean' }));
    build.onLoad({ filter: /.*/, namespace: 'omnihub-twilio-lean' }, () => ({
      contents: `
        const Twilio = require('twilio/lib/rest/Twilio').default ?? require('twilio/lib/rest/Twilio');
        const RequestClient = require('twilio/lib/base/RequestClient').default ?? require('twilio/lib/base/RequestClient');
        const RestException = require('twilio/lib/base/RestException').default ?? require('twilio/lib/base/RestException');
        function twilio(accountSid, authToken, options) { return new Twilio(accountSid, authToken, options); }
        twilio.Twilio = Twilio;
        twilio.RequestClient = RequestClient;
        twilio.RestException = RestException;
        module.exports = twilio;
        module.exports.default = twilio;`,
      loader: 'js',
      // Resolved from this repository, wherever the build runs.
      resolveDir: path.dirname(fileURLToPath(import.meta.url)),
    }));
    build.onLoad({ filter: TWILIO_DOMAINS }, async ({ path: file }) => ({
      contents: (await readFile(file, 'utf8')).replace(/require\("\.\/([A-Za-z0-9]+)"\)/g, (call, domain: string) => (domain === 'Api' ? call : leftOut(`domain ${domain}`))),
      loader: 'js',
    }));
    build.onLoad({ filter: V2010_ACCOUNT }, async ({ path: file }) => ({
      contents: (await readFile(file, 'utf8')).replace(/require\("\.\/account\/([A-Za-z0-9]+)"\)/g, (call, resource: string) =>
        resource === 'message' ? call : leftOut(`v2010 ${resource}`),
      ),
      loader: 'js',
    }));
    const fromTwilio = (importer: string) => /[\\/]node_modules[\\/]twilio[\\/]/.test(importer);
    const fromAxios = (importer: string) => /[\\/]node_modules[\\/]axios[\\/]/.test(importer);
    // Dependencies the Messages calls never reach: each resolves to a module made of leftOut().
    const dependency = (name: string) => ({ path: name, namespace: 'omnihub-twilio-dependency' });
    build.onResolve({ filter: /^jsonwebtoken$/ }, ({ importer, path: name }) => (fromTwilio(importer) ? dependency(name) : undefined));
    // Proxies (HTTP_PROXY): Lambda reaches Twilio directly. Twilio's RequestClient and axios both bundle a copy.
    build.onResolve({ filter: /^https-proxy-agent$/ }, ({ importer, path: name }) => (fromTwilio(importer) || fromAxios(importer) ? dependency(name) : undefined));
    build.onLoad({ filter: /.*/, namespace: 'omnihub-twilio-dependency' }, ({ path: name }) => ({
      contents: `const left = ${leftOut(`dependency ${name}`)}; module.exports = left; module.exports.default = left;`,
      loader: 'js',
      resolveDir: path.dirname(fileURLToPath(import.meta.url)),
    }));
    build.onResolve({ filter: /^form-data$/ }, ({ importer }) => (fromAxios(importer) ? { path: 'form-data', namespace: 'omnihub-twilio-form-data' } : undefined));
    // axios checks `instanceof FormData`: a class, which throws only when made.
    build.onLoad({ filter: /.*/, namespace: 'omnihub-twilio-form-data' }, () => ({
      contents: `module.exports = class FormData { constructor() { throw new Error('form-data is left out of this bundle (functions/prune-twilio-sdk.ts)'); } };`,
      loader: 'js',
    }));
    // follow-redirects and the proxy agents log through `debug` (with supports-color and ms) when DEBUG asks: a silent logger instead (10 KB).
    build.onResolve({ filter: /^debug$/ }, ({ importer }) => (/[\\/]node_modules[\\/](follow-redirects|agent-base|https-proxy-agent)[\\/]/.test(importer) ? { path: 'debug', namespace: 'omnihub-twilio-debug' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'omnihub-twilio-debug' }, () => ({ contents: 'module.exports = () => () => {};', loader: 'js' }));
    build.onResolve({ filter: /^qs$/ }, ({ importer }) => (fromTwilio(importer) ? { path: 'qs', namespace: 'omnihub-twilio-qs' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'omnihub-twilio-qs' }, () => ({
      contents: `
        const encode = (text) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
        function stringify(params, options) {
          if (!options || options.arrayFormat !== 'repeat') throw new Error('qs.stringify is left out of this bundle but for arrayFormat "repeat" (functions/prune-twilio-sdk.ts)');
          const pairs = [];
          for (const [name, value] of Object.entries(params || {})) {
            for (const one of Array.isArray(value) ? value : [value]) {
              if (one === undefined) continue;
              if (one !== null && typeof one === 'object') throw new Error('qs.stringify of nested objects is left out of this bundle (functions/prune-twilio-sdk.ts)');
              pairs.push(encode(name) + '=' + encode(one === null ? '' : String(one)));
            }
          }
          return pairs.join('&');
        }
        module.exports = { stringify, default: { stringify } };`,
      loader: 'js',
    }));
    build.onResolve({ filter: new RegExp(`^${OMITTED}$`) }, () => ({ path: OMITTED, namespace: OMITTED }));
    build.onLoad({ filter: /.*/, namespace: OMITTED }, () => ({ contents: OMITTED_MODULE, loader: 'js' }));
  },
};
