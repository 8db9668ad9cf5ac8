// `.../index.js`: Node's ESM loader does not resolve directory imports.
import { BasicApi, BatchApi, Observable, SearchApi, ServerConfiguration, createConfiguration } from '@hubspot/api-client/lib/codegen/crm/objects/index.js';
import { configurationOptions } from './sdk';

/** The generic CRM objects API (`crm.objects`): orders and line items by object type. */
export interface ObjectsApis {
  basicApi: BasicApi;
  batchApi: BatchApi;
  searchApi: SearchApi;
}

export function objectsApis(accessToken: string, baseUrl: string | undefined): ObjectsApis {
  const configuration = createConfiguration(configurationOptions(accessToken, baseUrl, { Observable, ServerConfiguration }));
  return { basicApi: new BasicApi(configuration), batchApi: new BatchApi(configuration), searchApi: new SearchApi(configuration) };
}
