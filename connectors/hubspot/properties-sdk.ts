// `.../index.js`: Node's ESM loader does not resolve directory imports.
import { CoreApi, GroupsApi, Observable, ServerConfiguration, createConfiguration } from '@hubspot/api-client/lib/codegen/crm/properties/index.js';
import { configurationOptions, type CodegenModule } from './sdk';

/** The CRM v3 properties API (`crm.properties`): property definitions and groups. */
export interface PropertiesApis {
  coreApi: CoreApi;
  groupsApi: GroupsApi;
}

export function propertiesApis(accessToken: string, baseUrl: string | undefined): PropertiesApis {
  // Same classes as the objects module's, declared apart: the casts only bridge the declarations.
  const options = configurationOptions(accessToken, baseUrl, { Observable, ServerConfiguration } as unknown as CodegenModule);
  const configuration = createConfiguration(options as unknown as Parameters<typeof createConfiguration>[0]);
  return { coreApi: new CoreApi(configuration), groupsApi: new GroupsApi(configuration) };
}
