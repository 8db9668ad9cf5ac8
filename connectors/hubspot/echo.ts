import { createHash } from 'node:crypto';

/**
 * The echo of our own write (docs/identity.md §1, "our own echo stops at the receiver"): sync
 * records one key per property it is about to write, and the webhook parser gives the same key to
 * a propertyChange event a program made. A hash: delivery records hold no value in clear.
 */
export function echoKey(contactId: string, property: string, value: string): string {
  const digest = createHash('sha256').update(`${contactId}\u0000${property}\u0000${value}`).digest('base64url');
  return `echo:${contactId}:${digest.slice(0, 22)}`;
}

/**
 * The `changeSource` of a change made through the API by an app (ours among them). A person's
 * edit (CRM_UI, CRM), an import or a workflow is never taken for our echo.
 */
export const PROGRAMMATIC_CHANGE_SOURCES: ReadonlySet<string> = new Set(['API', 'INTEGRATION']);
