// Each codegen API on its own, not the SDK's `Client` (see client.ts: `Client` pulls every HubSpot
// API into the bundle), and each in its own module (objects-sdk.ts, associations-sdk.ts,
// properties-sdk.ts): the codegen is CommonJS, so a bundle carries every module a file imports.
import type { Observable as ObservableClass, ObservableMiddleware, ServerConfiguration as ServerConfigurationClass } from '@hubspot/api-client/lib/codegen/crm/objects/index.js';
import { VERSION as SDK_VERSION } from '@hubspot/api-client/lib/src/configuration/version.js';

/** The User-Agent `Client` sends (ApiClientConfigurator.getUserAgent). */
const USER_AGENT = `hubspot-api-client-nodejs; ${SDK_VERSION}`;

/** The classes of one codegen module (each module has its own, structurally the same). */
export interface CodegenModule {
  Observable: typeof ObservableClass;
  ServerConfiguration: typeof ServerConfigurationClass;
}

/**
 * The configuration options `new Client({ accessToken, basePath, numberOfApiCallRetries: 0 })`
 * gives a codegen module, exactly as contactsApis (client.ts) builds them: Bearer token as
 * `oauth2`, the base URL as the server when given (a local fake), the User-agent middleware, no
 * retry decorators (retries are ours: calls.ts).
 */
export function configurationOptions(accessToken: string, baseUrl: string | undefined, module: CodegenModule) {
  const userAgent: ObservableMiddleware = {
    pre(context) {
      context.setHeaderParam('User-agent', USER_AGENT);
      return new module.Observable(Promise.resolve(context));
    },
    post(context) {
      return new module.Observable(Promise.resolve(context));
    },
  };
  return {
    middleware: [userAgent],
    authMethods: { oauth2: { accessToken } },
    ...(baseUrl ? { baseServer: new module.ServerConfiguration(baseUrl, {}) } : {}),
  };
}
