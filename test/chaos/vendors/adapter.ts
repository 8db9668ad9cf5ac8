import type { ApiFaultInjector } from '../../../connectors/testing/api-faults';
import type { ShopifyTrail, SightingTrail } from '../sightings';
import type { RecordedRequest } from '../../../connectors/testing/fake-http';
import type { WebhookSender } from '../../../connectors/testing/webhook-sender';
import type { AddressParts, SnapshotRecord, SystemName } from '../model';

/**
 * What the chaos run does with one vendor, through its fake's own admin controls (a person
 * editing in the vendor's UI) and nothing else. One adapter per vendor keeps the workload
 * vendor-neutral, and keeps the controls the fakes are still gaining (delete, merge, API fault
 * injection, the retry schedule) behind one seam each.
 */
export interface PersonFields {
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  address?: AddressParts | null;
}

export interface Written {
  externalId: string;
  /** The vendor's own time for this change, in ms (what its webhook and API will say). */
  at: number;
}

export interface VendorAdapter {
  system: SystemName;
  /** The vendor's webhooks; absent for a polled vendor (`polled`). */
  sender?: WebhookSender;
  /**
   * A vendor that sends no webhooks (Klaviyo): its changes reach the hub only through the poll
   * (the connector's reconciliation run, which the run drives every few workload steps and once
   * more at quiescence, as the deployed schedule does every pollMinutes). Every edit made there is
   * unseen until a read of the record: its trail is what the checker judges those edits by.
   */
  polled?: { trail(): SightingTrail };
  /** Shopify only: its committed changes, requests and deliveries, for the drop phase's checker (test/chaos/sightings.ts). */
  trail?: () => ShopifyTrail;
  /** Where the retry schedule comes from: the fake itself, or this adapter's fallback until the fake passes one (a vendor with webhooks only). */
  retryScheduleSource?: 'fake' | 'fallback';
  /**
   * The resolution of the vendor's source time for a record, in ms: 1000 when it times a change by
   * a whole-second updated_at (Shopify, Square, Klaviyo), 1 for a millisecond property clock (HubSpot). An
   * edit there waits for a later tick than the person's last edit anywhere.
   */
  clockResolutionMs: number;
  /** A person creating a record in the vendor's UI (a vendor whose UI is played over its API answers later). */
  create(fields: PersonFields): Written | Promise<Written>;
  update(externalId: string, fields: PersonFields): Written;
  /** The live record with this email, if the vendor holds one. */
  findByEmail(email: string): string | undefined;
  /** What a live record holds now, in the checker's terms; undefined when it is gone. */
  read(externalId: string): SnapshotRecord | undefined;
  list(): SnapshotRecord[];
  /** Deletes a record as a person would (fires the vendor's deletion webhook); undefined when the fake cannot. */
  remove?(externalId: string): boolean;
  /** Merges `secondary` into `primary` as a person would; the survivor (HubSpot gives it a new id). Undefined when the fake cannot. */
  merge?(primary: string, secondary: string): Written;
  /** Sends a delivery signed with a wrong secret straight to the receiver; resolves to the HTTP status. Absent for a vendor that sends none. */
  forge?(webhookUrl: string, externalId: string, marker: string): Promise<number>;
  /** Called as the request is recorded (before it is answered): did it write to the vendor? What a crash is injected after. */
  isSuccessfulWrite(request: RecordedRequest): boolean;
  /** API writes the vendor executed so far. */
  writes(): number;
  requests: RecordedRequest[];
  /** Makes a seeded share of API requests answer 429 / 5xx; returns the injector (its counts). */
  injectApiFaults(rates: { rateLimited: number; serverError: number; seed: number }): ApiFaultInjector;
  /** Where faults come from: the fake's own injector (vendor-exact answers), the fake's forced failures drawn by the adapter (`forced`, also vendor-exact), or off. */
  apiFaultSource(): 'fake' | 'forced' | 'off';
}

/**
 * The write counting and fault injection of a fake whose admin records its API writes and
 * holds its own fault injector (HubSpot's and Square's): what each adapter says alike.
 */
export function adminApiControls(
  fake: { requests: RecordedRequest[]; admin: { apiWrites(): RecordedRequest[]; apiFaults: ApiFaultInjector } },
  isApiWrite: (request: RecordedRequest) => boolean,
): Pick<VendorAdapter, 'isSuccessfulWrite' | 'writes' | 'requests' | 'injectApiFaults' | 'apiFaultSource'> {
  const succeeded = (request: RecordedRequest) => request.status >= 200 && request.status < 300;
  return {
    isSuccessfulWrite: (request) => isApiWrite(request) && succeeded(request),
    writes: () => fake.admin.apiWrites().filter(succeeded).length,
    requests: fake.requests,
    injectApiFaults({ seed, rateLimited, serverError }) {
      fake.admin.apiFaults.configure({ seed, rateLimited, serverError });
      return fake.admin.apiFaults;
    },
    apiFaultSource: () => (fake.admin.apiFaults.current.rateLimited + fake.admin.apiFaults.current.serverError > 0 ? 'fake' : 'off'),
  };
}

/** A method the fake may not have yet (the vendor helpers are adding it): present, or undefined. */
export function optionalMethod<F extends (...args: never[]) => unknown>(target: object, name: string): F | undefined {
  const candidate: unknown = Reflect.get(target, name);
  return typeof candidate === 'function' ? (candidate.bind(target) as F) : undefined;
}
