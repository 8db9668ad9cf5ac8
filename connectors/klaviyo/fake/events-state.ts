import { klaviyoStamp, truncateToSecond, type IdSource } from './clock';

/**
 * Metrics and the events recorded against them (Events API, eventsApi.d.ts; models
 * eventCreateQueryV2ResourceObjectAttributes.d.ts, eventResponseObjectResourceAttributes.d.ts):
 * - A metric is made the first time an event names it (`metric.data.attributes.name`), with an
 *   id and the API integration; Klaviyo's own consent metrics carry the Klaviyo integration. A
 *   metric is one name from one integration: the same name from another is another metric.
 *   Integration objects chosen after Klaviyo's samples ({object, id, key, name, category}).
 * - "If the unique_id is repeated for the same profile and metric, only the first processed event
 *   will be recorded. If this is not present, this will use the time to the second": the dedupe
 *   key is (profile, metric, unique_id ?? time-to-the-second). A duplicate is dropped silently.
 * - `time` is truncated to the second; `datetime` is that instant as Klaviyo shows it, `timestamp`
 *   its epoch seconds. `event_properties` on the wire are the properties with `$event_id` (the
 *   unique id) and `$value` (the value, when given) added, as the legacy Track API named them
 *   (chosen: Klaviyo's answers show these keys; `value_currency` is kept on the event, not added).
 */
export interface MetricIntegration {
  object: 'integration';
  id: string;
  key: string;
  name: string;
  category: string;
}

export const API_INTEGRATION: MetricIntegration = { object: 'integration', id: '7FtS4J', key: 'api', name: 'API', category: 'API' };
export const KLAVIYO_INTEGRATION: MetricIntegration = { object: 'integration', id: '0rG4eQ', key: 'klaviyo', name: 'Klaviyo', category: 'Internal' };

export interface FakeMetric {
  id: string;
  name: string;
  created: string;
  updated: string;
  integration: MetricIntegration;
}

export interface FakeEvent {
  id: string;
  /** The metric's name. */
  metric: string;
  metricId: string;
  profileId: string;
  uniqueId: string;
  /** When it happened, to the second (ISO, `Z`). */
  time: string;
  value?: number;
  valueCurrency?: string;
  properties: Record<string, unknown>;
  /** `time` as Klaviyo shows it ("2025-03-01T12:00:00+00:00"). */
  datetime: string;
  uuid: string;
}

export interface EventInput {
  metric: string;
  integration?: MetricIntegration;
  profileId: string;
  time: Date;
  uniqueId?: string;
  value?: number;
  valueCurrency?: string;
  properties: Record<string, unknown>;
}

export interface EventsSnapshot {
  metrics: FakeMetric[];
  events: FakeEvent[];
}

export class EventsState {
  private readonly metrics = new Map<string, FakeMetric>();
  private readonly events: FakeEvent[] = [];
  private readonly seen = new Set<string>();
  private listeners: Array<(event: FakeEvent) => void> = [];

  constructor(
    private readonly now: () => Date,
    private readonly ids: IdSource,
  ) {}

  onChange(listener: (event: FakeEvent) => void): void {
    this.listeners.push(listener);
  }

  metricList(): FakeMetric[] {
    return [...this.metrics.values()];
  }

  metric(id: string): FakeMetric | undefined {
    return this.metrics.get(id);
  }

  /**
   * The metric of that name from that integration: "All Placed Order events collected or sent via
   * the same mechanism (a given integration or our APIs) will share the same Placed Order metric"
   * (Metrics API overview), so an API event named as one of Klaviyo's own metrics makes a second
   * metric of that name rather than joining Klaviyo's.
   */
  metricNamed(name: string, integration: MetricIntegration = API_INTEGRATION): FakeMetric {
    for (const metric of this.metrics.values()) if (metric.name === name && metric.integration.key === integration.key) return metric;
    const at = klaviyoStamp(this.now());
    let id = this.ids.metricId();
    while (this.metrics.has(id)) id = this.ids.metricId();
    const metric: FakeMetric = { id, name, created: at, updated: at, integration };
    this.metrics.set(id, metric);
    return metric;
  }

  list(): FakeEvent[] {
    return [...this.events];
  }

  get(id: string): FakeEvent | undefined {
    return this.events.find((event) => event.id === id);
  }

  /** Records the event, or drops it (undefined) when its unique id was seen for the profile and metric. */
  record(input: EventInput): FakeEvent | undefined {
    const metric = this.metricNamed(input.metric, input.integration);
    const time = truncateToSecond(input.time);
    const datetime = klaviyoStamp(time);
    const uniqueId = input.uniqueId ?? datetime;
    const key = dedupeKey(input.profileId, metric.id, uniqueId);
    if (this.seen.has(key)) return undefined;
    this.seen.add(key);
    const event: FakeEvent = {
      id: this.ids.eventId(),
      metric: metric.name,
      metricId: metric.id,
      profileId: input.profileId,
      uniqueId,
      time: time.toISOString(),
      ...(input.value !== undefined ? { value: input.value } : {}),
      ...(input.valueCurrency !== undefined ? { valueCurrency: input.valueCurrency } : {}),
      properties: structuredClone(input.properties),
      datetime,
      uuid: this.ids.uuid(),
    };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  snapshot(): EventsSnapshot {
    return { metrics: structuredClone(this.metricList()), events: structuredClone(this.events) };
  }

  load(snapshot: EventsSnapshot): void {
    this.metrics.clear();
    this.events.length = 0;
    this.seen.clear();
    for (const metric of snapshot.metrics) this.metrics.set(metric.id, structuredClone(metric));
    for (const event of snapshot.events) {
      this.events.push(structuredClone(event));
      this.seen.add(dedupeKey(event.profileId, event.metricId, event.uniqueId));
    }
  }
}

function dedupeKey(profileId: string, metricId: string, uniqueId: string): string {
  return JSON.stringify([profileId, metricId, uniqueId]);
}

/** The wire `event_properties`. */
export function eventProperties(event: FakeEvent): Record<string, unknown> {
  return { ...event.properties, $event_id: event.uniqueId, ...(event.value !== undefined ? { $value: event.value } : {}) };
}
