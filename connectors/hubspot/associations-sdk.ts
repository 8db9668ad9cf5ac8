// `.../index.js`: Node's ESM loader does not resolve directory imports.
import { BasicApi, BatchApi, Observable, ServerConfiguration, createConfiguration } from '@hubspot/api-client/lib/codegen/crm/associations/v4/index.js';
import { configurationOptions, type CodegenModule } from './sdk';

/** The v4 associations API (`crm.associations.v4`). */
export interface AssociationsApis {
  basicApi: BasicApi;
  batchApi: BatchApi;
}

export function associationsApis(accessToken: string, baseUrl: string | undefined): AssociationsApis {
  // Same classes as the objects module's, declared apart: the casts only bridge the declarations.
  const options = configurationOptions(accessToken, baseUrl, { Observable, ServerConfiguration } as unknown as CodegenModule);
  const configuration = createConfiguration(options as unknown as Parameters<typeof createConfiguration>[0]);
  return { basicApi: new BasicApi(configuration), batchApi: new BatchApi(configuration) };
}
