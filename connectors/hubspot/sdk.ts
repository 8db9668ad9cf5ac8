// The generic CRM objects, v4 associations and properties APIs alone, not the SDK's `Client`
// (see client.ts: `Client` pulls every HubSpot API into the bundle). `.../index.js`: Node's ESM
// loader does not resolve directory imports.
import * as associations from '@hubspot/api-client/lib/codegen/crm/associations/v4/index.js';
import * as objects from '@hubspot/api-client/lib/codegen/crm/objects/index.js';
import * as properties from '@hubspot/api-client/lib/codegen/crm/properties/index.js';
import { VERSION as SDK_VERSION } from '@hubspot/api-client/lib/src/configuration/version.js';

/** The User-Agent `Client` sends (ApiClientConfigurator.getUserAgent). */
const USER_AGENT = `hubspot-api-client-nodejs; ${SDK_VERSION}`;

/**
 * Each codegen module configured as `new Client({ accessToken, basePath, numberOfApiCallRetries: 0 })`
 * configures it, exactly as contactsApis (client.ts) does: Bearer token as `oauth2`, the base URL
 * as the server when given (a local fake), the User-agent middleware, no retry decorators
 * (retries are ours: calls.ts).
 */
function options(accessToken: string, baseUrl: string | undefined, module: { Observable: typeof objects.Observable; ServerConfiguration: typeof objects.ServerConfiguration }) {
  const userAgent: objects.ObservableMiddleware = {
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

export interface CrmApis {
  objects: { basicApi: objects.BasicApi; batchApi: objects.BatchApi; searchApi: objects.SearchApi };
  associations: { basicApi: associations.BasicApi; batchApi: associations.BatchApi };
  properties: { coreApi: properties.CoreApi; groupsApi: properties.GroupsApi };
}

export function crmApis(accessToken: string, baseUrl: string | undefined): CrmApis {
  // The three codegen modules have structurally identical http/middleware types, but TypeScript sees them as distinct.
  const objectsConfiguration = objects.createConfiguration(options(accessToken, baseUrl, objects));
  const associationsConfiguration = associations.createConfiguration(options(accessToken, baseUrl, associations as never) as never);
  const propertiesConfiguration = properties.createConfiguration(options(accessToken, baseUrl, properties as never) as never);
  return {
    objects: {
      basicApi: new objects.BasicApi(objectsConfiguration),
      batchApi: new objects.BatchApi(objectsConfiguration),
      searchApi: new objects.SearchApi(objectsConfiguration),
    },
    associations: { basicApi: new associations.BasicApi(associationsConfiguration), batchApi: new associations.BatchApi(associationsConfiguration) },
    properties: { coreApi: new properties.CoreApi(propertiesConfiguration), groupsApi: new properties.GroupsApi(propertiesConfiguration) },
  };
}
