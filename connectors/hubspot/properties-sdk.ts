import { VERSION as SDK_VERSION } from '@hubspot/api-client/lib/src/configuration/version.js';

/**
 * The three calls of HubSpot's CRM v3 properties API omnihub makes, once per instance, to set up
 * the properties it writes (property-setup.ts): create a group, create a property, read one.
 *
 * Not the SDK's codegen module for this API (`@hubspot/api-client/lib/codegen/crm/properties`):
 * it is CommonJS, so a bundle carries all of it (its Observable and Promise layers, the batch
 * API, every model: 77 KB minified) for three calls made once, and it put the HubSpot bundles
 * over their 300 KB budget. These are the same requests the SDK sends (method, path, JSON body,
 * Bearer token, its User-agent), and a failure throws the SDK's ApiException shape (`code`,
 * `body`, `headers`), so calls.ts and failures.ts handle it as they handle every SDK call.
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide
 */

const USER_AGENT = `hubspot-api-client-nodejs; ${SDK_VERSION}`;
const HUBSPOT_API = 'https://api.hubapi.com';

export interface PropertyGroupCreate {
  name: string;
  label: string;
}

export interface PropertyCreate {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description?: string;
  hasUniqueValue?: boolean;
  formField?: boolean;
  options?: Array<{ label: string; value: string; displayOrder?: number; hidden?: boolean }>;
}

/** What omnihub reads of a property definition. */
export interface Property {
  name: string;
  hasUniqueValue?: boolean;
  [key: string]: unknown;
}

export interface PropertiesApis {
  coreApi: {
    create(objectType: string, property: PropertyCreate): Promise<Property>;
    getByName(objectType: string, propertyName: string): Promise<Property>;
  };
  groupsApi: {
    create(objectType: string, group: PropertyGroupCreate): Promise<unknown>;
  };
}

/** The SDK's ApiException, as the codegen throws it for a non-2xx answer. */
class ApiException extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
    readonly headers: Record<string, string>,
  ) {
    super(`HTTP-Code: ${code}`);
    this.name = 'ApiException';
  }
}

export function propertiesApis(accessToken: string, baseUrl: string | undefined): PropertiesApis {
  const base = (baseUrl ?? HUBSPOT_API).replace(/\/$/, '');
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        'User-agent': USER_AGENT,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page): kept as text, as the SDK keeps it.
    }
    if (!response.ok) throw new ApiException(response.status, parsed, Object.fromEntries(response.headers));
    return parsed;
  };
  const segment = encodeURIComponent;
  return {
    coreApi: {
      create: async (objectType, property) => (await call('POST', `/crm/v3/properties/${segment(objectType)}`, property)) as Property,
      getByName: async (objectType, propertyName) => (await call('GET', `/crm/v3/properties/${segment(objectType)}/${segment(propertyName)}`)) as Property,
    },
    groupsApi: {
      create: (objectType, group) => call('POST', `/crm/v3/properties/${segment(objectType)}/groups`, group),
    },
  };
}
