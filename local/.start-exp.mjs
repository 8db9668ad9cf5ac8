// local/start.ts
import { mkdir as mkdir3, readFile as readFile3, rm as rm3 } from "node:fs/promises";
import path7 from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

// connectors/hubspot/fake/server.ts
import { randomUUID } from "node:crypto";
import { z as z4 } from "zod";

// connectors/testing/fake-http.ts
import { createServer } from "node:http";

// connectors/testing/seeded-random.ts
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = state + 1831565813 >>> 0;
    let t = state;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
function between(random, [min, max]) {
  return min + random() * (max - min);
}

// connectors/testing/webhook-sender.ts
function exponentialBackoff(options) {
  const base = options.overMs / (2 ** options.retries - 1);
  const jitter = options.jitter ?? 0;
  return (retry, random) => base * 2 ** (retry - 1) * (1 + jitter * (random() * 2 - 1));
}
var DEFAULT_TIME_SCALE = 1e-5;
var WebhookSender = class {
  constructor(targetUrl, options = {}) {
    this.targetUrl = targetUrl;
    this.retrySchedule = options.retrySchedule;
    this.prepare = options.prepare;
    this.timeScale = options.timeScale ?? DEFAULT_TIME_SCALE;
    if (options.chaos) this.chaos = options.chaos;
  }
  targetUrl;
  /** One entry per HTTP attempt, in the order they were answered. */
  deliveries = [];
  stats = { triggered: 0, sent: 0, duplicated: 0, reordered: 0, retried: 0, failed: 0 };
  retrySchedule;
  prepare;
  timeScale;
  settings = {};
  random = seededRandom(1);
  pending = /* @__PURE__ */ new Set();
  cancelled = false;
  /** The delivery chaos in force; assign to change it at run time (`{}` turns it off). */
  get chaos() {
    return { ...this.settings };
  }
  set chaos(chaos) {
    for (const share of [chaos.duplicate, chaos.reorder]) {
      if (share !== void 0 && (share < 0 || share > 1)) throw new Error(`a chaos share must be within 0..1, got ${share}`);
    }
    if (chaos.seed !== void 0) this.random = seededRandom(chaos.seed);
    this.settings = { ...chaos };
  }
  send(body, headers) {
    const url = this.targetUrl;
    if (!url) return;
    this.cancelled = false;
    this.stats.triggered += 1;
    const original = { body, headers };
    const held = this.draw(this.settings.reorder);
    if (held) this.stats.reordered += 1;
    const firstWait = between(this.random, held ? this.settings.holdMs ?? [100, 1e3] : this.settings.delayMs ?? [0, 0]);
    this.track(this.lifecycle(url, original, firstWait, "original"));
    if (this.draw(this.settings.duplicate)) {
      this.stats.duplicated += 1;
      this.track(this.lifecycle(url, original, firstWait + between(this.random, this.settings.duplicateGapMs ?? [0, 200]), "duplicate"));
    }
  }
  /** Resolves when every delivery so far is done: answered, or out of retries (held-back and scheduled ones included). */
  async idle() {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
  /** Drops every scheduled retry and held-back delivery (a fake shutting down). */
  cancel() {
    this.cancelled = true;
  }
  draw(share) {
    return share !== void 0 && share > 0 && this.random() < share;
  }
  track(delivery) {
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }
  async lifecycle(url, original, firstWaitMs, copy) {
    await wait(firstWaitMs);
    for (let attempt = 0; ; attempt += 1) {
      if (this.cancelled) return;
      const payload = this.prepare ? this.prepare(attempt, original) : original;
      const outcome = await this.attempt(url, payload, attempt, copy);
      if (typeof outcome === "number" && outcome >= 200 && outcome < 300) return;
      const schedule = this.retrySchedule;
      if (!schedule || attempt >= schedule.retries || !schedule.retriesOn(outcome)) {
        this.stats.failed += 1;
        return;
      }
      this.stats.retried += 1;
      await wait(schedule.delayMs(attempt + 1, this.random) * this.timeScale);
    }
  }
  async attempt(url, payload, attempt, copy) {
    this.stats.sent += 1;
    const timeoutMs = this.retrySchedule?.timeoutMs;
    let status;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...payload.headers },
        body: payload.body,
        ...timeoutMs !== void 0 ? { signal: AbortSignal.timeout(timeoutMs) } : {}
      });
      await response.arrayBuffer();
      status = response.status;
    } catch (error) {
      status = error instanceof Error && error.name === "TimeoutError" ? "timeout" : "network_error";
    }
    this.deliveries.push({ url, status, body: payload.body, attempt, copy, at: Date.now() });
    return status;
  }
};
function wait(ms) {
  return new Promise((resolve) => ms <= 0 ? setImmediate(resolve) : setTimeout(resolve, ms));
}

// connectors/testing/api-faults.ts
var ApiFaultInjector = class {
  counts = { decided: 0, rateLimited: 0, serverError: 0 };
  rates = { rateLimited: 0, serverError: 0 };
  random;
  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }
  /** Sets the shares (and optionally a new seed) at run time; all zero turns injection off. */
  configure(rates) {
    if (rates.seed !== void 0) this.random = seededRandom(rates.seed);
    this.rates = { ...this.rates, ...rates };
    if (this.rates.rateLimited + this.rates.serverError > 1) throw new Error("API fault shares add up to more than 1");
  }
  get current() {
    return { ...this.rates };
  }
  /** One decision per API request: call it once per request, after the credentials check. */
  decide() {
    if (this.rates.rateLimited === 0 && this.rates.serverError === 0) return "ok";
    this.counts.decided += 1;
    const draw = this.random();
    if (draw < this.rates.rateLimited) {
      this.counts.rateLimited += 1;
      return "rate_limited";
    }
    if (draw < this.rates.rateLimited + this.rates.serverError) {
      this.counts.serverError += 1;
      return "server_error";
    }
    return "ok";
  }
};

// connectors/testing/fake-http.ts
var INVOCATION_HEADER = "x-omnihub-local-invocation";
var RequestLog = class extends Array {
  static get [Symbol.species]() {
    return Array;
  }
  listeners = [];
  subscribe(listener) {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }
  async record(request) {
    this.push(request);
    for (const listener of this.listeners) await listener(request);
  }
};
var FakeHttpServer = class {
  constructor(handler) {
    this.handler = handler;
  }
  handler;
  requests = new RequestLog();
  server;
  url = "";
  /** Starts on `port` (0 = any free port) and returns the base URL, e.g. http://127.0.0.1:4001. */
  async listen(port2 = 0, host = "127.0.0.1") {
    this.server = createServer((req, res) => {
      void this.serve(req).then(
        ({ status, body, headers }) => {
          const payload = body === void 0 ? "" : typeof body === "string" ? body : JSON.stringify(body);
          res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
          res.end(payload);
        },
        (error) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: `fake server error: ${String(error)}` }));
        }
      );
    });
    await new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port2, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const { port: bound } = this.server.address();
    this.url = `http://${host}:${bound}`;
    return this.url;
  }
  get baseUrl() {
    return this.url;
  }
  async close() {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(() => resolve()));
    this.server = void 0;
  }
  async serve(req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake.local");
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== void 0) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    let json2;
    try {
      json2 = rawBody ? JSON.parse(rawBody) : void 0;
    } catch {
      json2 = void 0;
    }
    const request = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers, rawBody, json: json2 };
    const response = await this.handler(request);
    const invocation = headers[INVOCATION_HEADER];
    await this.requests.record({
      method: request.method,
      path: request.path,
      status: response.status,
      body: json2,
      at: Date.now(),
      ...invocation !== void 0 ? { invocation } : {}
    });
    return response;
  }
};

// connectors/hubspot/fake/persist.ts
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { z as z2 } from "zod";

// connectors/hubspot/fake/state.ts
import { z } from "zod";
var KNOWN_PROPERTIES = /* @__PURE__ */ new Set([
  "email",
  "firstname",
  "lastname",
  "phone",
  "mobilephone",
  "address",
  "city",
  "state",
  "zip",
  "country",
  "company",
  "jobtitle",
  "website",
  "lifecyclestage",
  "hs_email_optout",
  "hs_additional_emails",
  "hs_merged_object_ids",
  "createdate",
  "lastmodifieddate",
  "hs_object_id"
]);
var READ_ONLY_PROPERTIES = /* @__PURE__ */ new Set([
  "createdate",
  "lastmodifieddate",
  "hs_object_id",
  "hs_email_optout",
  "hs_additional_emails",
  "hs_merged_object_ids"
]);
var COMPUTED_PROPERTIES = /* @__PURE__ */ new Set(["createdate", "lastmodifieddate", "hs_object_id", "hs_merged_object_ids"]);
var DEFAULT_PROPERTIES = ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"];
var SANDBOX_USER_ID = 4101;
function historySource(source) {
  if (source === "ui") return { sourceType: "CRM_UI", sourceId: `userId:${SANDBOX_USER_ID}`, updatedByUserId: SANDBOX_USER_ID };
  if (source === "integration") return { sourceType: "INTEGRATION", sourceId: "sandbox-integration" };
  return { sourceType: "API" };
}
var HubspotFakeState = class {
  constructor(now) {
    this.now = now;
  }
  now;
  /** Live and archived records by their own id (merged-away ids are in `aliases`). */
  contacts = /* @__PURE__ */ new Map();
  /** A merged-away id → the record it was merged into (HubSpot keeps old ids readable). */
  aliases = /* @__PURE__ */ new Map();
  nextId = 51;
  listeners = [];
  /** Called with the record's id after every change (search index, persistence). */
  onChange(listener) {
    this.listeners.push(listener);
  }
  changed(id) {
    for (const listener of this.listeners) listener(id);
  }
  /** The id a (possibly merged-away) id reads as now. */
  resolve(id) {
    let current = id;
    for (let hops = 0; hops < 100 && this.aliases.has(current); hops += 1) current = this.aliases.get(current) ?? current;
    return current;
  }
  get(id) {
    const contact = this.contacts.get(this.resolve(id));
    return contact && !contact.archived ? contact : void 0;
  }
  list() {
    return [...this.contacts.values()].filter((contact) => !contact.archived);
  }
  /** HubSpot matches emails case-insensitively (also a merged record's additional emails). */
  findByEmail(email) {
    const wanted = email.trim().toLowerCase();
    return this.list().find((contact) => {
      const emails = [contact.properties.get("email"), ...contact.properties.get("hs_additional_emails")?.split(";") ?? []];
      return emails.some((held) => held?.toLowerCase() === wanted);
    });
  }
  create(properties, source) {
    const problems = validate(properties, source);
    if (problems.length > 0) return { ok: false, failure: { kind: "invalid", problems } };
    const email = properties.email;
    const existing = email ? this.findByEmail(email) : void 0;
    if (existing) return { ok: false, failure: { kind: "conflict", existingId: existing.id } };
    const at = this.now();
    const contact = {
      id: String(this.nextId++),
      properties: /* @__PURE__ */ new Map(),
      history: /* @__PURE__ */ new Map(),
      createdAt: at,
      updatedAt: at,
      archived: false,
      mergedIds: []
    };
    const changes = [];
    for (const [name, value] of Object.entries(properties)) {
      if (value === "") continue;
      setProperty(contact, name, value, { value, timestamp: at, ...historySource(source) });
      changes.push({ name, value });
    }
    this.contacts.set(contact.id, contact);
    this.changed(contact.id);
    return { ok: true, contact, created: true, changes };
  }
  update(id, properties, source) {
    const contact = this.get(id);
    if (!contact) return { ok: false, failure: { kind: "not_found", id } };
    const problems = validate(properties, source);
    if (problems.length > 0) return { ok: false, failure: { kind: "invalid", problems } };
    const email = properties.email;
    const holder = email ? this.findByEmail(email) : void 0;
    if (holder && holder.id !== contact.id) return { ok: false, failure: { kind: "conflict", existingId: holder.id } };
    const at = this.now();
    const changes = [];
    for (const [name, value] of Object.entries(properties)) {
      if ((contact.properties.get(name) ?? "") === value) continue;
      setProperty(contact, name, value, { value, timestamp: at, ...historySource(source) });
      changes.push({ name, value });
    }
    if (changes.length > 0) {
      contact.updatedAt = at;
      this.changed(contact.id);
    }
    return { ok: true, contact, created: false, changes };
  }
  /** DELETE: the record is archived (restorable), its id reads as not found. */
  archive(id) {
    const contact = this.get(id);
    if (!contact) return void 0;
    contact.archived = true;
    contact.updatedAt = this.now();
    this.changed(contact.id);
    return contact;
  }
  /** Restoring an archived record (HubSpot UI, within 90 days). */
  restore(id) {
    const contact = this.contacts.get(this.resolve(id));
    if (!contact?.archived) return void 0;
    const email = contact.properties.get("email");
    if (email && this.findByEmail(email)) return void 0;
    contact.archived = false;
    contact.updatedAt = this.now();
    this.changed(contact.id);
    return contact;
  }
  /** GDPR delete: the record and every id that pointed to it are gone for good (live or archived). */
  gdprDelete(id) {
    const resolved = this.resolve(id);
    const contact = this.contacts.get(resolved);
    if (!contact) return void 0;
    const aliasesOfIt = [...this.aliases.keys()].filter((alias) => this.resolve(alias) === resolved);
    this.contacts.delete(resolved);
    for (const alias of aliasesOfIt) this.aliases.delete(alias);
    this.changed(resolved);
    return contact;
  }
  /**
   * Merges `mergeId` into `primaryId` as HubSpot does since 2023: a NEW record with a new id;
   * both old ids read as it from then on. The primary's values win; a property the primary
   * leaves empty takes the secondary's; the secondary's email becomes an additional email.
   * Both histories move to the new record, plus an entry at the merge time for a property
   * whose current value is not its newest entry, so the newest entry always times the value.
   * https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies
   */
  merge(primaryId, mergeId, source) {
    const primary = this.get(primaryId);
    if (!primary) return { ok: false, failure: { kind: "not_found", id: primaryId } };
    const secondary = this.get(mergeId);
    if (!secondary) return { ok: false, failure: { kind: "not_found", id: mergeId } };
    if (primary.id === secondary.id) return { ok: false, failure: { kind: "merge_into_itself", id: primary.id } };
    const at = this.now();
    const merged = {
      id: String(this.nextId++),
      properties: /* @__PURE__ */ new Map(),
      history: /* @__PURE__ */ new Map(),
      createdAt: primary.createdAt,
      updatedAt: at,
      archived: false,
      mergedIds: [.../* @__PURE__ */ new Set([...primary.mergedIds, primary.id, ...secondary.mergedIds, secondary.id])].sort(
        (a, b) => Number(a) - Number(b)
      )
    };
    let propertiesMoved = 0;
    for (const name of /* @__PURE__ */ new Set([...primary.history.keys(), ...secondary.history.keys()])) {
      const history = [...primary.history.get(name) ?? [], ...secondary.history.get(name) ?? []].sort(
        (a, b) => b.timestamp.getTime() - a.timestamp.getTime()
      );
      if (history.length > 0) merged.history.set(name, history);
    }
    for (const name of /* @__PURE__ */ new Set([...primary.properties.keys(), ...secondary.properties.keys()])) {
      const value = primary.properties.get(name) ?? secondary.properties.get(name);
      if (value === void 0) continue;
      if (!primary.properties.has(name)) propertiesMoved += 1;
      merged.properties.set(name, value);
      const newest = merged.history.get(name)?.[0];
      if (newest?.value !== value) merged.history.set(name, [{ value, timestamp: at, ...historySource(source) }, ...merged.history.get(name) ?? []]);
    }
    const additional = [primary.properties.get("hs_additional_emails"), secondary.properties.get("email"), secondary.properties.get("hs_additional_emails")].flatMap((emails) => emails?.split(";") ?? []).filter((email) => email !== "" && email.toLowerCase() !== merged.properties.get("email")?.toLowerCase());
    if (additional.length > 0) merged.properties.set("hs_additional_emails", [...new Set(additional)].join(";"));
    this.contacts.delete(primary.id);
    this.contacts.delete(secondary.id);
    this.contacts.set(merged.id, merged);
    this.aliases.set(primary.id, merged.id);
    this.aliases.set(secondary.id, merged.id);
    for (const id of [primary.id, secondary.id, merged.id]) this.changed(id);
    return { ok: true, contact: merged, primaryId: primary.id, mergedId: secondary.id, propertiesMoved };
  }
  /** Everything the portal holds, as JSON (npm start keeps it on disk across restarts). */
  snapshot() {
    return {
      nextId: this.nextId,
      aliases: Object.fromEntries(this.aliases),
      contacts: [...this.contacts.values()].map((contact) => ({
        id: contact.id,
        properties: Object.fromEntries(contact.properties),
        history: Object.fromEntries(
          [...contact.history].map(([name, entries]) => [name, entries.map((entry) => ({ ...entry, timestamp: entry.timestamp.toISOString() }))])
        ),
        createdAt: contact.createdAt.toISOString(),
        updatedAt: contact.updatedAt.toISOString(),
        archived: contact.archived,
        mergedIds: contact.mergedIds
      }))
    };
  }
  /** Replaces what the portal holds with a snapshot (fires no webhooks). */
  load(snapshot) {
    this.contacts.clear();
    this.aliases.clear();
    this.nextId = snapshot.nextId;
    for (const [alias, target] of Object.entries(snapshot.aliases)) this.aliases.set(alias, target);
    for (const stored of snapshot.contacts) {
      this.contacts.set(stored.id, {
        id: stored.id,
        properties: new Map(Object.entries(stored.properties)),
        history: new Map(
          Object.entries(stored.history).map(([name, entries]) => [name, entries.map((entry) => ({ ...entry, timestamp: new Date(entry.timestamp) }))])
        ),
        createdAt: new Date(stored.createdAt),
        updatedAt: new Date(stored.updatedAt),
        archived: stored.archived,
        mergedIds: stored.mergedIds
      });
    }
  }
};
var HistoryEntryJsonSchema = z.object({
  value: z.string(),
  timestamp: z.iso.datetime(),
  sourceType: z.string(),
  sourceId: z.string().optional(),
  updatedByUserId: z.number().int().optional()
});
var StateSnapshotSchema = z.object({
  nextId: z.number().int().positive(),
  aliases: z.record(z.string(), z.string()),
  contacts: z.array(
    z.object({
      id: z.string().regex(/^\d+$/),
      properties: z.record(z.string(), z.string()),
      history: z.record(z.string(), z.array(HistoryEntryJsonSchema)),
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
      archived: z.boolean(),
      mergedIds: z.array(z.string())
    })
  )
});
function setProperty(contact, name, value, entry) {
  if (value === "") contact.properties.delete(name);
  else contact.properties.set(name, value);
  contact.history.set(name, [entry, ...contact.history.get(name) ?? []]);
}
function validate(properties, source) {
  const problems = [];
  for (const [name, value] of Object.entries(properties)) {
    if (!KNOWN_PROPERTIES.has(name)) {
      problems.push({ name, error: "PROPERTY_DOESNT_EXIST", message: `Property "${name}" does not exist` });
    } else if (READ_ONLY_PROPERTIES.has(name) && !(source === "ui" && name === "hs_email_optout")) {
      problems.push({ name, error: "READ_ONLY_VALUE", message: `${name} is a read only property; its value cannot be set.` });
    } else if (value !== value.trim()) {
      problems.push({ name, error: "LEADING_TRAILING_WHITESPACE", message: `${name} has leading or trailing whitespace` });
    } else if (name === "email" && value !== "" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      problems.push({ name, error: "INVALID_EMAIL", message: `Email address ${value} is invalid` });
    }
  }
  return problems;
}
function propertyValue(contact, name) {
  if (name === "hs_object_id") return contact.id;
  if (name === "createdate") return contact.createdAt.toISOString();
  if (name === "lastmodifieddate") return contact.updatedAt.toISOString();
  if (name === "hs_merged_object_ids") return contact.mergedIds.length > 0 ? contact.mergedIds.join(";") : null;
  return contact.properties.get(name) ?? null;
}
function historyJson(entry) {
  return {
    ...entry.sourceId === void 0 ? {} : { sourceId: entry.sourceId },
    sourceType: entry.sourceType,
    ...entry.updatedByUserId === void 0 ? {} : { updatedByUserId: entry.updatedByUserId },
    value: entry.value,
    timestamp: entry.timestamp.toISOString()
  };
}
function renderContact(contact, names, historyNames) {
  const wanted = new Set(names ?? DEFAULT_PROPERTIES);
  for (const always of ["createdate", "lastmodifieddate", "hs_object_id"]) wanted.add(always);
  const properties = {};
  for (const name of [...wanted].sort()) if (KNOWN_PROPERTIES.has(name)) properties[name] = propertyValue(contact, name);
  const withHistory = [...new Set(historyNames ?? [])].filter((name) => KNOWN_PROPERTIES.has(name) && !COMPUTED_PROPERTIES.has(name)).sort();
  const history = {};
  for (const name of withHistory) {
    const entries = contact.history.get(name);
    if (entries && entries.length > 0) history[name] = entries.map(historyJson);
  }
  return {
    id: contact.id,
    properties,
    ...historyNames === void 0 ? {} : { propertiesWithHistory: history },
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
    archived: contact.archived
  };
}
function renderWritten(contact, written) {
  return renderContact(contact, [...DEFAULT_PROPERTIES, ...contact.properties.keys(), ...written]);
}

// connectors/hubspot/fake/persist.ts
var PersistedPortalSchema = StateSnapshotSchema.extend({ nextEventId: z2.number().int().nonnegative() });
function loadPortal(file) {
  if (!existsSync(file)) return void 0;
  let json2;
  try {
    json2 = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new Error(`HubSpot fake: ${file} is not JSON; delete it or start with --fresh`);
  }
  const parsed = PersistedPortalSchema.safeParse(json2);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join(".") || "(file)").join(", ");
    throw new Error(`HubSpot fake: ${file} is not a saved sandbox portal (${paths}); delete it or start with --fresh`);
  }
  return parsed.data;
}
var PortalWriter = class {
  constructor(file, state, nextEventId, debounceMs = 200) {
    this.file = file;
    this.state = state;
    this.nextEventId = nextEventId;
    this.debounceMs = debounceMs;
  }
  file;
  state;
  nextEventId;
  debounceMs;
  timer;
  /** Saves soon (many changes in a burst make one write). */
  schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = void 0;
      this.save();
    }, this.debounceMs);
    this.timer.unref();
  }
  /** Saves now if a save is pending. */
  flush() {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = void 0;
    this.save();
  }
  save() {
    const portal = { ...this.state.snapshot(), nextEventId: this.nextEventId() };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(portal, null, 2)}
`);
    renameSync(temporary, this.file);
  }
};

// connectors/hubspot/fake/search-index.ts
var SearchIndex = class {
  constructor(state, lagMs) {
    this.state = state;
    this.lagMs = lagMs;
  }
  state;
  lagMs;
  visible = /* @__PURE__ */ new Map();
  pending = [];
  /** Queues the record's current state (a copy), or its absence, for the index. */
  record(id) {
    const contact = this.state.contacts.get(id);
    const copy = contact && !contact.archived ? { ...contact, properties: new Map(contact.properties) } : void 0;
    this.pending.push({ dueAt: Date.now() + this.lagMs, id, contact: copy });
    if (this.lagMs <= 0) this.flush();
  }
  /** Indexes everything the portal holds now (seed, restart from disk). */
  rebuild() {
    this.pending = [];
    this.visible.clear();
    for (const contact of this.state.list()) this.visible.set(contact.id, { ...contact, properties: new Map(contact.properties) });
  }
  flush() {
    this.apply(Number.POSITIVE_INFINITY);
  }
  /** The records search can find now. */
  list() {
    this.apply(Date.now());
    return [...this.visible.values()];
  }
  apply(until) {
    const due = this.pending.filter((entry) => entry.dueAt <= until);
    this.pending = this.pending.filter((entry) => entry.dueAt > until);
    for (const entry of due) {
      if (entry.contact) this.visible.set(entry.id, entry.contact);
      else this.visible.delete(entry.id);
    }
  }
};

// connectors/hubspot/fake/seed.ts
var hubspotSandboxContacts = [
  { email: "ada.lovelace@example.com", firstname: "Ada", lastname: "Lovelace", phone: "+1 (212) 555 0101" },
  { email: "GRACE@EXAMPLE.ORG", firstname: "Grace", lastname: "Hopper", phone: "2125550102" },
  {
    email: "mary.jackson@example.com",
    firstname: "Mary",
    lastname: "Jackson",
    phone: "212.555.0105",
    city: "Hampton",
    state: "VA"
  }
];
function seedHubspotContacts(state) {
  for (const properties of hubspotSandboxContacts) {
    const result = state.create({ ...properties }, "ui");
    if (!result.ok) throw new Error(`HubSpot fake: seed contact refused (${result.failure.kind})`);
  }
}

// connectors/hubspot/fake/webhooks.ts
import { createHash, createHmac } from "node:crypto";
import { z as z3 } from "zod";
var MAX_EVENTS_PER_DELIVERY = 100;
var CHANGE_SOURCES = { api: "API", ui: "CRM_UI", integration: "INTEGRATION" };
var WebhookEmitter = class {
  constructor(options) {
    this.options = options;
    this.nextEventId = options.firstEventId ?? 100;
  }
  options;
  nextEventId;
  subscriptionIds = /* @__PURE__ */ new Map();
  get eventIdCounter() {
    return this.nextEventId;
  }
  /** HubSpot subscriptions are per event type, and per property for propertyChange. */
  subscriptionId(type, propertyName) {
    const key = `${type}:${propertyName ?? ""}`;
    let id = this.subscriptionIds.get(key);
    if (id === void 0) {
      id = 1001 + this.subscriptionIds.size;
      this.subscriptionIds.set(key, id);
    }
    return id;
  }
  /** One event with exactly HubSpot's fields. */
  event(input) {
    const generic = this.options.format() === "generic" && input.action !== "privacyDeletion";
    const type = `${generic ? "object" : "contact"}.${input.action}`;
    const sourceId = input.source === "ui" ? `userId:${SANDBOX_USER_ID}` : void 0;
    return {
      eventId: this.nextEventId++,
      subscriptionId: this.subscriptionId(type, input.propertyName),
      portalId: this.options.portalId,
      appId: this.options.appId,
      occurredAt: input.occurredAt.getTime(),
      subscriptionType: type,
      attemptNumber: 0,
      objectId: Number(input.objectId),
      changeSource: CHANGE_SOURCES[input.source],
      ...input.changeFlag === void 0 ? {} : { changeFlag: input.changeFlag },
      ...input.propertyName === void 0 ? {} : { propertyName: input.propertyName, propertyValue: input.propertyValue ?? "" },
      ...sourceId === void 0 ? {} : { sourceId },
      ...input.merge === void 0 ? {} : {
        primaryObjectId: Number(input.merge.primaryObjectId),
        mergedObjectIds: input.merge.mergedObjectIds.map(Number),
        newObjectId: Number(input.merge.newObjectId),
        numberOfPropertiesMoved: input.merge.numberOfPropertiesMoved
      },
      ...generic ? { objectTypeId: "0-1" } : {}
    };
  }
  /** Sends the events in deliveries of at most 100, each signed. */
  deliver(inputs) {
    if (!this.options.sender.targetUrl || inputs.length === 0) return;
    const events = inputs.map((input) => this.event(input));
    for (let start = 0; start < events.length; start += MAX_EVENTS_PER_DELIVERY) {
      this.send(events.slice(start, start + MAX_EVENTS_PER_DELIVERY));
    }
  }
  /**
   * One delivery (a JSON array) signed like HubSpot: v3 = base64 HMAC-SHA256(clientSecret,
   * "POST" + target URL + body + timestamp), plus the legacy v1 = hex SHA-256(clientSecret + body).
   * https://developers.hubspot.com/docs/api/webhooks/validating-requests
   */
  send(events) {
    const url = this.options.sender.targetUrl;
    if (!url) return;
    const body = JSON.stringify(events);
    const timestamp = String(this.options.now().getTime());
    const signedUri = url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => decodeURIComponent(escape));
    const secret = this.options.clientSecret;
    this.options.sender.send(body, {
      "x-hubspot-signature-v3": createHmac("sha256", secret).update(`POST${signedUri}${body}${timestamp}`).digest("base64"),
      "x-hubspot-request-timestamp": timestamp,
      "x-hubspot-signature": createHash("sha256").update(`${secret}${body}`).digest("hex"),
      "x-hubspot-signature-version": "v1",
      "user-agent": "HubSpot Connect 2.0 (http://dev.hubspot.com/)"
    });
  }
};
var HOUR = 36e5;
var HUBSPOT_RETRY_SCHEDULE = {
  retries: 10,
  delayMs: exponentialBackoff({ retries: 10, overMs: 24 * HOUR, jitter: 0.3 }),
  retriesOn: (outcome) => typeof outcome !== "number" || outcome === 429 || outcome >= 500,
  timeoutMs: 5e3
};
var Events = z3.array(z3.record(z3.string(), z3.unknown()));
function hubspotPrepare(clientSecret, targetUrl) {
  return (attempt, original) => {
    if (attempt === 0) return original;
    const events = Events.parse(JSON.parse(original.body));
    const body = JSON.stringify(events.map((event) => ({ ...event, attemptNumber: attempt })));
    const timestamp = String(Date.now());
    const url = (targetUrl() ?? "").replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => decodeURIComponent(escape));
    return {
      body,
      headers: {
        ...original.headers,
        "x-hubspot-signature-v3": createHmac("sha256", clientSecret).update(`POST${url}${body}${timestamp}`).digest("base64"),
        "x-hubspot-request-timestamp": timestamp,
        "x-hubspot-signature": createHash("sha256").update(`${clientSecret}${body}`).digest("hex")
      }
    };
  };
}

// connectors/hubspot/fake/server.ts
var CONTACTS = "/crm/v3/objects/contacts";
var BATCH_LIMIT = 100;
var HISTORY_BATCH_LIMIT = 50;
var HISTORY_BATCH_LIMIT_MESSAGE = `The maximum number of inputs supported in a batch request for property histories is ${HISTORY_BATCH_LIMIT}. Please reduce the number of items and try again`;
var DEFAULT_SEARCH_LAG_MS = 1e3;
var DEFAULT_RATE_LIMIT = { max: 190, intervalMs: 1e4, daily: 65e4 };
var PropertiesInputSchema = z4.record(z4.string(), z4.union([z4.string(), z4.number(), z4.boolean(), z4.null()])).transform(
  (properties) => Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, value === null ? "" : String(value)]))
);
var CreateInputSchema = z4.object({ properties: PropertiesInputSchema, associations: z4.array(z4.unknown()).optional() });
var UpdateInputSchema = z4.object({ properties: PropertiesInputSchema });
var BatchReadInputSchema = z4.object({
  inputs: z4.array(z4.object({ id: z4.string() })),
  properties: z4.array(z4.string()).optional(),
  propertiesWithHistory: z4.array(z4.string()).optional(),
  idProperty: z4.string().optional()
});
var MergeInputSchema = z4.object({ primaryObjectId: z4.string().min(1), objectIdToMerge: z4.string().min(1) });
var GdprDeleteInputSchema = z4.object({ objectId: z4.string().min(1), idProperty: z4.string().optional() });
var BatchCreateInputSchema = z4.object({ inputs: z4.array(CreateInputSchema) });
var BatchUpdateInputSchema = z4.object({ inputs: z4.array(z4.object({ id: z4.string(), properties: PropertiesInputSchema })) });
var SearchInputSchema = z4.object({
  filterGroups: z4.array(
    z4.object({
      filters: z4.array(
        z4.object({
          propertyName: z4.string(),
          operator: z4.string(),
          value: z4.union([z4.string(), z4.number(), z4.boolean()]).optional()
        })
      )
    })
  ).default([]),
  properties: z4.array(z4.string()).optional(),
  limit: z4.number().int().min(1).max(200).default(10),
  after: z4.union([z4.string(), z4.number()]).optional()
});
function isApiRead(request) {
  return request.path.startsWith("/crm/") && (request.method === "GET" || /\/(batch\/read|search)$/.test(request.path));
}
function isApiWrite(request) {
  return request.path.startsWith("/crm/") && !isApiRead(request);
}
async function startHubspotFake(options) {
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const portalId = options.portalId ?? 62515;
  const appId = options.appId ?? 54321;
  const limit = { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  const state = new HubspotFakeState(now);
  const saved = options.persistPath ? loadPortal(options.persistPath) : void 0;
  if (saved) state.load(saved);
  else if (options.seed) seedHubspotContacts(state);
  let webhookFormat = options.webhookFormat ?? "legacy";
  const webhooks = new WebhookSender(options.webhookUrl, {
    retrySchedule: HUBSPOT_RETRY_SCHEDULE,
    prepare: hubspotPrepare(options.clientSecret, () => webhooks.targetUrl)
  });
  const emitter = new WebhookEmitter({
    sender: webhooks,
    clientSecret: options.clientSecret,
    portalId,
    appId,
    format: () => webhookFormat,
    now,
    firstEventId: saved?.nextEventId
  });
  const searchIndex = new SearchIndex(state, options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS);
  searchIndex.rebuild();
  state.onChange((id) => searchIndex.record(id));
  const writer = options.persistPath ? new PortalWriter(options.persistPath, state, () => emitter.eventIdCounter) : void 0;
  if (writer) state.onChange(() => writer.schedule());
  const forced = [];
  const apiFaults = new ApiFaultInjector();
  const window = new RollingWindow(limit.max, limit.intervalMs);
  let dailyUsed = 0;
  function errorBody(message, category, extra = {}) {
    return { status: "error", message, correlationId: randomUUID(), category, ...extra };
  }
  function rateHeaders() {
    const at = performance.now();
    const secondly = Math.max(1, Math.round(limit.max * 1e3 / limit.intervalMs));
    return {
      "x-hubspot-ratelimit-max": String(limit.max),
      "x-hubspot-ratelimit-remaining": String(Math.max(0, limit.max - window.used(at))),
      "x-hubspot-ratelimit-interval-milliseconds": String(limit.intervalMs),
      "x-hubspot-ratelimit-secondly": String(secondly),
      "x-hubspot-ratelimit-secondly-remaining": String(Math.max(0, secondly - window.usedWithin(at, 1e3))),
      "x-hubspot-ratelimit-daily": String(limit.daily),
      "x-hubspot-ratelimit-daily-remaining": String(Math.max(0, limit.daily - dailyUsed))
    };
  }
  function api(status, body, headers = {}) {
    return { status, body, headers: { ...rateHeaders(), ...headers } };
  }
  function tooManyRequests(policyName, retryAfterSeconds) {
    const message = policyName === "DAILY" ? "You have reached your daily limit." : policyName === "SECONDLY" ? "You have reached your secondly limit." : `You have reached your ${policyName.toLowerCase()} limit.`;
    const body = { status: "error", message, errorType: "RATE_LIMIT", correlationId: randomUUID(), policyName, requestId: randomUUID() };
    return api(429, body, retryAfterSeconds === null ? {} : { "retry-after": String(retryAfterSeconds) });
  }
  function writeFailure(failure) {
    switch (failure.kind) {
      case "conflict":
        return api(409, errorBody(`Contact already exists. Existing ID: ${failure.existingId}`, "CONFLICT"));
      case "not_found":
        return api(404, errorBody("resource not found", "OBJECT_NOT_FOUND"));
      case "merge_into_itself":
        return api(400, errorBody(describe(failure), "VALIDATION_ERROR"));
      case "invalid": {
        const listed = failure.problems.map((problem) => ({ isValid: false, message: problem.message, error: problem.error, name: problem.name }));
        return api(
          400,
          errorBody(`Property values were not valid: ${JSON.stringify(listed)}`, "VALIDATION_ERROR", {
            errors: failure.problems.map((problem) => ({
              message: problem.message,
              code: problem.error,
              context: { propertyName: [problem.name] }
            }))
          })
        );
      }
    }
  }
  function invalidInput(error) {
    const paths = error.issues.map((issue) => issue.path.join(".") || "(body)").join(", ");
    return api(400, errorBody(`Invalid input JSON: check ${paths}`, "VALIDATION_ERROR"));
  }
  let collecting;
  function deliver(events) {
    if (collecting) collecting.push(...events);
    else emitter.deliver(events);
  }
  function inOneDelivery(run) {
    collecting = [];
    try {
      return run();
    } finally {
      const events = collecting;
      collecting = void 0;
      emitter.deliver(events);
    }
  }
  function notify(result, source) {
    const { contact } = result;
    const base = { objectId: contact.id, occurredAt: contact.updatedAt, source };
    const events = result.created ? [{ ...base, action: "creation", changeFlag: "NEW" }] : [];
    for (const change of result.changes) events.push({ ...base, action: "propertyChange", propertyName: change.name, propertyValue: change.value });
    deliver(events);
  }
  function mergeEvent(result, source) {
    const { contact } = result;
    deliver([
      {
        action: "merge",
        objectId: contact.id,
        occurredAt: contact.updatedAt,
        source,
        merge: { primaryObjectId: result.primaryId, mergedObjectIds: [result.mergedId], newObjectId: contact.id, numberOfPropertiesMoved: result.propertiesMoved }
      }
    ]);
  }
  function deleteContact(id, source) {
    const contact = state.archive(id);
    if (contact) deliver([{ action: "deletion", objectId: contact.id, occurredAt: contact.updatedAt, source }]);
    return contact;
  }
  function gdprDelete(id, source) {
    const contact = state.gdprDelete(id);
    if (!contact) return void 0;
    const at = now();
    deliver([
      { action: "privacyDeletion", objectId: contact.id, occurredAt: at, source },
      { action: "deletion", objectId: contact.id, occurredAt: at, source }
    ]);
    return contact;
  }
  function write(result, source) {
    if (result.ok) notify(result, source);
    return result;
  }
  function requestedProperties(request, parameter = "properties") {
    const names = request.query.getAll(parameter).flatMap((value) => value.split(",")).filter(Boolean);
    return names.length > 0 ? names : void 0;
  }
  function lookup(idOrEmail, idProperty) {
    return idProperty === "email" ? state.findByEmail(idOrEmail) : state.get(idOrEmail);
  }
  function batchTimes() {
    const at = now().toISOString();
    return { requestedAt: at, startedAt: at, completedAt: at };
  }
  function serveApi(request) {
    const { method, path: path8 } = request;
    const single = new RegExp(`^${CONTACTS}/([^/]+)$`).exec(path8)?.[1];
    if (path8 === CONTACTS && method === "POST") {
      const input = CreateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = write(state.create(input.data.properties, "api"), "api");
      return result.ok ? api(201, renderWritten(result.contact, Object.keys(input.data.properties))) : writeFailure(result.failure);
    }
    if (path8 === CONTACTS && method === "GET") {
      const pageSize2 = Math.min(Number(request.query.get("limit") ?? 10) || 10, 100);
      const offset = Number(request.query.get("after") ?? 0) || 0;
      const all = state.list();
      const page = all.slice(offset, offset + pageSize2).map((contact) => renderContact(contact, requestedProperties(request)));
      const paging = offset + pageSize2 < all.length ? { next: { after: String(offset + pageSize2) } } : void 0;
      return api(200, { results: page, ...paging ? { paging } : {} });
    }
    if (path8 === `${CONTACTS}/batch/read` && method === "POST") {
      const input = BatchReadInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const historyNames = input.data.propertiesWithHistory;
      const withHistory = historyNames !== void 0 && historyNames.length > 0;
      if (withHistory && input.data.inputs.length > HISTORY_BATCH_LIMIT) return api(400, errorBody(HISTORY_BATCH_LIMIT_MESSAGE, "VALIDATION_ERROR"));
      if (input.data.inputs.length > BATCH_LIMIT) return api(400, errorBody(`Too many inputs: at most ${BATCH_LIMIT} per batch`, "VALIDATION_ERROR"));
      const results = [];
      const seen = /* @__PURE__ */ new Set();
      const missing = [];
      for (const { id } of input.data.inputs) {
        const contact = lookup(id, input.data.idProperty ?? null);
        if (!contact) missing.push(id);
        else if (!seen.has(contact.id)) {
          seen.add(contact.id);
          results.push(renderContact(contact, input.data.properties, withHistory ? historyNames : void 0));
        }
      }
      if (missing.length === 0) return api(200, { status: "COMPLETE", results, ...batchTimes() });
      const errors = [
        {
          status: "error",
          category: "OBJECT_NOT_FOUND",
          message: "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.",
          context: { ids: missing },
          errors: [],
          links: {}
        }
      ];
      return api(207, { status: "COMPLETE", results, numErrors: errors.length, errors, ...batchTimes() });
    }
    if (path8 === `${CONTACTS}/merge` && method === "POST") {
      const input = MergeInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = state.merge(input.data.primaryObjectId, input.data.objectIdToMerge, "api");
      if (!result.ok) return writeFailure(result.failure);
      mergeEvent(result, "api");
      return api(200, renderContact(result.contact));
    }
    if (path8 === `${CONTACTS}/gdpr-delete` && method === "POST") {
      const input = GdprDeleteInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const contact = input.data.idProperty === "email" ? state.findByEmail(input.data.objectId) : state.contacts.get(state.resolve(input.data.objectId));
      if (!contact) return writeFailure({ kind: "not_found", id: input.data.objectId });
      gdprDelete(contact.id, "api");
      return api(204, void 0);
    }
    if (path8 === `${CONTACTS}/batch/create` && method === "POST") {
      const input = BatchCreateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      if (input.data.inputs.length > BATCH_LIMIT) return api(400, errorBody(`Too many inputs: at most ${BATCH_LIMIT} per batch`, "VALIDATION_ERROR"));
      for (const { properties } of input.data.inputs) {
        const existing = properties.email ? state.findByEmail(properties.email) : void 0;
        if (existing) return writeFailure({ kind: "conflict", existingId: existing.id });
      }
      const results = [];
      for (const { properties } of input.data.inputs) {
        const result = write(state.create(properties, "api"), "api");
        if (!result.ok) return writeFailure(result.failure);
        results.push(renderWritten(result.contact, Object.keys(properties)));
      }
      return api(201, { status: "COMPLETE", results, ...batchTimes() });
    }
    if (path8 === `${CONTACTS}/batch/update` && method === "POST") {
      const input = BatchUpdateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      if (input.data.inputs.length > BATCH_LIMIT) return api(400, errorBody(`Too many inputs: at most ${BATCH_LIMIT} per batch`, "VALIDATION_ERROR"));
      const results = [];
      const missing = [];
      for (const { id, properties } of input.data.inputs) {
        const result = write(state.update(id, properties, "api"), "api");
        if (result.ok) results.push(renderWritten(result.contact, Object.keys(properties)));
        else if (result.failure.kind === "not_found") missing.push(id);
        else return writeFailure(result.failure);
      }
      if (missing.length === 0) return api(200, { status: "COMPLETE", results, ...batchTimes() });
      const errors = [{ status: "error", category: "OBJECT_NOT_FOUND", message: "Could not find some CONTACT objects.", context: { ids: missing } }];
      return api(207, { status: "COMPLETE", results, numErrors: 1, errors, ...batchTimes() });
    }
    if (path8 === `${CONTACTS}/search` && method === "POST") return search(request);
    if (single !== void 0 && ["GET", "PATCH", "DELETE"].includes(method)) {
      const contact = lookup(decodeURIComponent(single), request.query.get("idProperty"));
      if (!contact) return writeFailure({ kind: "not_found", id: single });
      if (method === "GET") return api(200, renderContact(contact, requestedProperties(request), requestedProperties(request, "propertiesWithHistory")));
      if (method === "DELETE") {
        deleteContact(contact.id, "api");
        return api(204, void 0);
      }
      const input = UpdateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = write(state.update(contact.id, input.data.properties, "api"), "api");
      return result.ok ? api(200, renderWritten(result.contact, Object.keys(input.data.properties))) : writeFailure(result.failure);
    }
    return api(404, errorBody(`No route for ${method} ${path8}`, "OBJECT_NOT_FOUND"));
  }
  function search(request) {
    const input = SearchInputSchema.safeParse(request.json ?? {});
    if (!input.success) return invalidInput(input.error);
    const supported = /* @__PURE__ */ new Set(["EQ", "NEQ", "HAS_PROPERTY", "NOT_HAS_PROPERTY"]);
    const filters = input.data.filterGroups.flatMap((group) => group.filters);
    const unsupported = filters.find((filter) => !supported.has(filter.operator));
    if (unsupported) return api(400, errorBody(`The fake supports EQ, NEQ, HAS_PROPERTY and NOT_HAS_PROPERTY, not ${unsupported.operator}`, "VALIDATION_ERROR"));
    const valueOf = (contact, name) => name === "hs_object_id" ? contact.id : contact.properties.get(name) ?? null;
    const matches = (contact, filter) => {
      const held = valueOf(contact, filter.propertyName);
      const wanted = String(filter.value ?? "");
      const same = held !== null && (filter.propertyName === "email" ? held.toLowerCase() === wanted.toLowerCase() : held === wanted);
      if (filter.operator === "EQ") return same;
      if (filter.operator === "NEQ") return !same;
      if (filter.operator === "HAS_PROPERTY") return held !== null;
      return held === null;
    };
    const found = searchIndex.list().filter((contact) => input.data.filterGroups.length === 0 || input.data.filterGroups.some((group) => group.filters.every((filter) => matches(contact, filter))));
    const offset = Number(input.data.after ?? 0) || 0;
    const page = found.slice(offset, offset + input.data.limit).map((contact) => renderContact(contact, input.data.properties));
    const next = offset + input.data.limit < found.length ? { paging: { next: { after: String(offset + input.data.limit) } } } : {};
    return api(200, { total: found.length, results: page, ...next });
  }
  function handleApi(request) {
    if (request.headers.authorization !== `Bearer ${options.accessToken}`) {
      return api(
        401,
        errorBody(
          "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
          "INVALID_AUTHENTICATION"
        )
      );
    }
    const failure = forced.shift();
    if (failure) {
      if (failure.status === 429) {
        const policyName = failure.policyName ?? "TEN_SECONDLY_ROLLING";
        const defaultWait = policyName === "DAILY" ? null : Math.ceil(limit.intervalMs / 1e3);
        return tooManyRequests(policyName, failure.retryAfterSeconds === void 0 ? defaultWait : failure.retryAfterSeconds);
      }
      return api(failure.status, failure.body ?? errorBody("An internal error occurred.", "INTERNAL_ERROR"));
    }
    const fault = apiFaults.decide();
    if (fault === "rate_limited") return tooManyRequests("TEN_SECONDLY_ROLLING", 1);
    if (fault === "server_error") return api(502, errorBody("An internal error occurred.", "INTERNAL_ERROR"));
    if (dailyUsed >= limit.daily) return tooManyRequests("DAILY", null);
    const waitMs = window.take(performance.now());
    if (waitMs !== void 0) return tooManyRequests("TEN_SECONDLY_ROLLING", Math.max(1, Math.ceil(waitMs / 1e3)));
    dailyUsed += 1;
    return inOneDelivery(() => serveApi(request));
  }
  function full(contact) {
    return renderContact(contact, KNOWN_PROPERTIES);
  }
  function uiWrite(result, source = "ui") {
    const written = write(result, source);
    if (!written.ok) throw new Error(`HubSpot fake: ${describe(written.failure)}`);
    return full(written.contact);
  }
  function uiMerge(primaryObjectId, objectIdToMerge) {
    const result = state.merge(primaryObjectId, objectIdToMerge, "ui");
    if (result.ok) mergeEvent(result, "ui");
    return result;
  }
  function serveSandbox(request) {
    const { path: path8, method } = request;
    if (path8 === "/_sandbox/requests" && method === "GET") {
      const since = Math.max(0, Number(request.query.get("since") ?? 0) || 0);
      const requests = server.requests.slice(since);
      return { status: 200, body: { total: server.requests.length, requests } };
    }
    if (path8 === "/_sandbox/contacts" && method === "GET") return { status: 200, body: { results: state.list().map(full) } };
    if (path8 === "/_sandbox/contacts" && method === "POST") {
      const input = UpdateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = write(state.create(input.data.properties, "ui"), "ui");
      return result.ok ? { status: 201, body: full(result.contact) } : writeFailure(result.failure);
    }
    if (path8 === "/_sandbox/contacts/merge" && method === "POST") {
      const input = MergeInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = uiMerge(input.data.primaryObjectId, input.data.objectIdToMerge);
      return result.ok ? { status: 200, body: full(result.contact) } : writeFailure(result.failure);
    }
    if (path8 === "/_sandbox/contacts/gdpr-delete" && method === "POST") {
      const input = GdprDeleteInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      return gdprDelete(input.data.objectId, "ui") ? { status: 204 } : writeFailure({ kind: "not_found", id: input.data.objectId });
    }
    const restoreId = /^\/_sandbox\/contacts\/(\d+)\/restore$/.exec(path8)?.[1];
    if (restoreId !== void 0 && method === "POST") {
      const contact = restore(restoreId);
      return contact ? { status: 200, body: full(contact) } : writeFailure({ kind: "not_found", id: restoreId });
    }
    const id = /^\/_sandbox\/contacts\/([^/]+)$/.exec(path8)?.[1];
    if (id !== void 0 && method === "GET") {
      const contact = state.get(id);
      return contact ? { status: 200, body: full(contact) } : writeFailure({ kind: "not_found", id });
    }
    if (id !== void 0 && method === "PATCH") {
      const input = UpdateInputSchema.safeParse(request.json);
      if (!input.success) return invalidInput(input.error);
      const result = write(state.update(id, input.data.properties, "ui"), "ui");
      return result.ok ? { status: 200, body: full(result.contact) } : writeFailure(result.failure);
    }
    if (id !== void 0 && method === "DELETE") {
      return deleteContact(id, "ui") ? { status: 204 } : writeFailure({ kind: "not_found", id });
    }
    return { status: 404, body: errorBody(`No sandbox route for ${method} ${path8}`, "OBJECT_NOT_FOUND") };
  }
  function restore(id) {
    const contact = state.restore(id);
    if (contact) deliver([{ action: "restore", objectId: contact.id, occurredAt: contact.updatedAt, source: "ui" }]);
    return contact;
  }
  const server = new FakeHttpServer((request) => request.path.startsWith("/_sandbox/") || request.path === "/_sandbox" ? serveSandbox(request) : handleApi(request));
  const baseUrl = await server.listen(options.port ?? 0);
  return {
    baseUrl,
    state,
    requests: server.requests,
    webhooks,
    async close() {
      writer?.flush();
      await server.close();
    },
    admin: {
      createContact: (properties) => uiWrite(state.create({ ...properties }, "ui")),
      updateContact: (id, properties, updateOptions = {}) => {
        const source = updateOptions.source ?? "ui";
        return uiWrite(state.update(id, { ...properties }, source), source);
      },
      deleteContact: (id) => deleteContact(id, "ui") !== void 0,
      restoreContact(id) {
        const contact = restore(id);
        return contact ? full(contact) : void 0;
      },
      mergeContacts(primaryObjectId, objectIdToMerge) {
        const result = uiMerge(primaryObjectId, objectIdToMerge);
        if (!result.ok) throw new Error(`HubSpot fake: ${describe(result.failure)}`);
        return full(result.contact);
      },
      gdprDeleteContact: (id) => gdprDelete(id, "ui") !== void 0,
      setWebhookFormat(format2) {
        webhookFormat = format2;
      },
      flushSearchIndex: () => searchIndex.flush(),
      getContact(id) {
        const contact = state.get(id);
        return contact ? full(contact) : void 0;
      },
      findContactByEmail(email) {
        const contact = state.findByEmail(email);
        return contact ? full(contact) : void 0;
      },
      listContacts: () => state.list().map(full),
      apiFaults,
      failNext(count, failure) {
        for (let index = 0; index < count; index += 1) forced.push(failure);
      },
      apiReads: () => server.requests.filter(isApiRead),
      apiWrites: () => server.requests.filter(isApiWrite)
    }
  };
}
function describe(failure) {
  switch (failure.kind) {
    case "conflict":
      return `Contact already exists. Existing ID: ${failure.existingId}`;
    case "not_found":
      return `no contact ${failure.id}`;
    // Wording not confirmed against HubSpot (no public sample of this 400 found).
    case "merge_into_itself":
      return `Cannot merge object ${failure.id} with itself`;
    case "invalid":
      return `invalid properties ${failure.problems.map((problem) => `${problem.name} (${problem.error})`).join(", ")}`;
  }
}
var RollingWindow = class {
  constructor(max, intervalMs) {
    this.max = max;
    this.intervalMs = intervalMs;
  }
  max;
  intervalMs;
  stamps = [];
  /** Counts the request and returns undefined, or returns how long until a slot frees. */
  take(at) {
    this.prune(at);
    if (this.stamps.length >= this.max) return (this.stamps[0] ?? at) + this.intervalMs - at;
    this.stamps.push(at);
    return void 0;
  }
  used(at) {
    this.prune(at);
    return this.stamps.length;
  }
  usedWithin(at, ms) {
    return this.stamps.filter((stamp) => stamp > at - ms).length;
  }
  prune(at) {
    while (this.stamps.length > 0 && (this.stamps[0] ?? at) <= at - this.intervalMs) this.stamps.shift();
  }
};

// connectors/shopify/fake/server.ts
import { createHmac as createHmac2, randomUUID as randomUUID4 } from "node:crypto";
import { stringify as stringify2 } from "lossless-json";

// connectors/shopify/fake/graphql.ts
import {
  GraphQLError,
  Kind,
  buildSchema
} from "graphql";
import { getCountries } from "libphonenumber-js";

// core/model/compact.ts
function compact(value) {
  const out = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== void 0) out[key] = entry;
  return out;
}

// connectors/shopify/fake/rest.ts
import { stringify } from "lossless-json";
var SHOP_OFFSET_MINUTES = -5 * 60;
function toRestCustomer(customer, toId) {
  const addresses = customer.addresses.map((address) => toRestAddress(customer, address, toId));
  const defaultAddress = addresses.find((_, index) => customer.addresses[index]?.id === customer.defaultAddressId);
  return {
    id: toId(customer.id),
    email: customer.email,
    created_at: shopTime(customer.createdAt),
    updated_at: shopTime(customer.updatedAt),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: customer.state.toLowerCase(),
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    tags: [...customer.tags].sort().join(", "),
    currency: "USD",
    phone: customer.phone,
    addresses,
    tax_exemptions: [],
    email_marketing_consent: customer.email ? restConsent(customer.emailMarketing) : null,
    sms_marketing_consent: customer.phone ? { ...restConsent(customer.smsMarketing), consent_collected_from: "OTHER" } : null,
    admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
    ...defaultAddress ? { default_address: defaultAddress } : {}
  };
}
function toWebhookCustomerJson(customer) {
  const rest = toRestCustomer(customer, (id) => id);
  const body = {
    id: rest.id,
    created_at: rest.created_at,
    updated_at: rest.updated_at,
    first_name: rest.first_name,
    last_name: rest.last_name,
    state: rest.state,
    note: rest.note,
    verified_email: rest.verified_email,
    multipass_identifier: rest.multipass_identifier,
    tax_exempt: rest.tax_exempt,
    email: rest.email,
    phone: rest.phone,
    currency: rest.currency,
    addresses: rest.addresses,
    tax_exemptions: rest.tax_exemptions,
    admin_graphql_api_id: rest.admin_graphql_api_id,
    ...rest.default_address ? { default_address: rest.default_address } : {}
  };
  return json(body);
}
function json(value) {
  const text3 = stringify(value);
  if (text3 === void 0) throw new Error("webhook body could not be serialized");
  return text3;
}
function shopTime(date2) {
  const local = new Date(date2.getTime() + SHOP_OFFSET_MINUTES * 6e4);
  const sign = SHOP_OFFSET_MINUTES < 0 ? "-" : "+";
  const offset = Math.abs(SHOP_OFFSET_MINUTES);
  const hours = String(Math.floor(offset / 60)).padStart(2, "0");
  const minutes = String(offset % 60).padStart(2, "0");
  return `${local.toISOString().slice(0, 19)}${sign}${hours}:${minutes}`;
}
function restConsent(consent3) {
  return {
    state: consent3.state.toLowerCase(),
    opt_in_level: consent3.optInLevel?.toLowerCase() ?? null,
    consent_updated_at: consent3.updatedAt ? shopTime(consent3.updatedAt) : null
  };
}
function toRestAddress(customer, address, toId) {
  return {
    id: toId(address.id),
    customer_id: toId(customer.id),
    first_name: address.firstName ?? customer.firstName,
    last_name: address.lastName ?? customer.lastName,
    company: address.company,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    province: provinceName(address.countryCode, address.provinceCode),
    country: countryName(address.countryCode),
    zip: address.zip,
    phone: address.phone,
    name: [address.firstName ?? customer.firstName, address.lastName ?? customer.lastName].filter(Boolean).join(" "),
    province_code: address.provinceCode,
    country_code: address.countryCode,
    country_name: countryName(address.countryCode),
    default: address.id === customer.defaultAddressId
  };
}
var regionNames = new Intl.DisplayNames(["en"], { type: "region" });
function countryName(code) {
  if (!code) return null;
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}
var PROVINCES = {
  "US-NY": "New York",
  "US-VA": "Virginia",
  "US-DC": "District of Columbia",
  "US-CA": "California",
  "CA-ON": "Ontario",
  "CA-QC": "Quebec"
};
function provinceName(country, code) {
  if (!code) return null;
  return PROVINCES[`${country ?? ""}-${code}`] ?? code;
}

// connectors/shopify/fake/graphql.ts
var SHOPIFY_ADMIN_SDL = (
  /* GraphQL */
  `
  scalar DateTime
  scalar UnsignedInt64

  enum CountryCode { ${[...getCountries(), "ZZ"].join(" ")} }
  enum CustomerEmailMarketingState { INVALID NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }
  enum CustomerSmsMarketingState { NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }
  enum CustomerMarketingOptInLevel { CONFIRMED_OPT_IN SINGLE_OPT_IN UNKNOWN }
  enum CustomerState { DECLINED DISABLED ENABLED INVITED }
  enum CustomerSortKeys { CREATED_AT ID NAME RELEVANCE UPDATED_AT }
  enum CustomerEmailMarketingConsentUpdateUserErrorCode { INCLUSION INTERNAL_ERROR INVALID MISSING_ARGUMENT }
  enum CustomerSmsMarketingConsentErrorCode { INCLUSION INTERNAL_ERROR INVALID MISSING_ARGUMENT }

  interface Node { id: ID! }
  interface DisplayableError { field: [String!] message: String! }

  type UserError implements DisplayableError { field: [String!] message: String! }
  type CustomerEmailMarketingConsentUpdateUserError implements DisplayableError {
    code: CustomerEmailMarketingConsentUpdateUserErrorCode
    field: [String!]
    message: String!
  }
  type CustomerSmsMarketingConsentError implements DisplayableError {
    code: CustomerSmsMarketingConsentErrorCode
    field: [String!]
    message: String!
  }

  type MailingAddress implements Node {
    id: ID!
    address1: String
    address2: String
    city: String
    company: String
    country: String
    countryCodeV2: CountryCode
    firstName: String
    lastName: String
    name: String
    phone: String
    province: String
    provinceCode: String
    zip: String
  }

  type CustomerEmailAddress {
    emailAddress: String
    marketingState: CustomerEmailMarketingState!
    marketingOptInLevel: CustomerMarketingOptInLevel
    marketingUpdatedAt: DateTime
  }

  type CustomerPhoneNumber {
    phoneNumber: String!
    marketingState: CustomerSmsMarketingState!
    marketingOptInLevel: CustomerMarketingOptInLevel
    marketingUpdatedAt: DateTime
  }

  type CustomerEmailMarketingConsentState {
    marketingState: CustomerEmailMarketingState!
    marketingOptInLevel: CustomerMarketingOptInLevel
    consentUpdatedAt: DateTime
  }

  type CustomerSmsMarketingConsentState {
    marketingState: CustomerSmsMarketingState!
    marketingOptInLevel: CustomerMarketingOptInLevel!
    consentUpdatedAt: DateTime
  }

  type Customer implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    firstName: String
    lastName: String
    displayName: String!
    email: String @deprecated(reason: "Use \`defaultEmailAddress.emailAddress\` instead.")
    phone: String @deprecated(reason: "Use \`defaultPhoneNumber.phoneNumber\` instead.")
    defaultEmailAddress: CustomerEmailAddress
    defaultPhoneNumber: CustomerPhoneNumber
    emailMarketingConsent: CustomerEmailMarketingConsentState @deprecated(reason: "Use \`defaultEmailAddress.marketingState\` instead.")
    smsMarketingConsent: CustomerSmsMarketingConsentState @deprecated(reason: "Use \`defaultPhoneNumber.marketingState\` instead.")
    defaultAddress: MailingAddress
    addresses(first: Int): [MailingAddress!]!
    tags: [String!]!
    note: String
    state: CustomerState!
    verifiedEmail: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
  type CustomerEdge { cursor: String! node: Customer! }
  type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! pageInfo: PageInfo! }

  type Query {
    customer(id: ID!): Customer
    nodes(ids: [ID!]!): [Node]!
    customers(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean = false, sortKey: CustomerSortKeys = ID): CustomerConnection!
  }

  input MailingAddressInput {
    address1: String
    address2: String
    city: String
    company: String
    countryCode: CountryCode
    firstName: String
    lastName: String
    phone: String
    provinceCode: String
    zip: String
  }

  input CustomerEmailMarketingConsentInput {
    consentUpdatedAt: DateTime
    marketingOptInLevel: CustomerMarketingOptInLevel
    marketingState: CustomerEmailMarketingState!
    sourceLocationId: ID
  }

  input CustomerSmsMarketingConsentInput {
    consentUpdatedAt: DateTime
    marketingOptInLevel: CustomerMarketingOptInLevel
    marketingState: CustomerSmsMarketingState!
    sourceLocationId: ID
  }

  input CustomerInput {
    addresses: [MailingAddressInput!]
    email: String
    emailMarketingConsent: CustomerEmailMarketingConsentInput
    firstName: String
    id: ID
    lastName: String
    locale: String
    note: String
    phone: String
    smsMarketingConsent: CustomerSmsMarketingConsentInput
    tags: [String!]
    taxExempt: Boolean
  }

  input CustomerEmailMarketingConsentUpdateInput {
    customerId: ID!
    emailMarketingConsent: CustomerEmailMarketingConsentInput!
  }

  input CustomerSmsMarketingConsentUpdateInput {
    customerId: ID!
    smsMarketingConsent: CustomerSmsMarketingConsentInput!
  }

  type CustomerCreatePayload { customer: Customer userErrors: [UserError!]! }
  type CustomerUpdatePayload { customer: Customer userErrors: [UserError!]! }
  type CustomerEmailMarketingConsentUpdatePayload { customer: Customer userErrors: [CustomerEmailMarketingConsentUpdateUserError!]! }
  type CustomerSmsMarketingConsentUpdatePayload { customer: Customer userErrors: [CustomerSmsMarketingConsentError!]! }
  type CustomerAddressCreatePayload { address: MailingAddress userErrors: [UserError!]! }
  type CustomerAddressUpdatePayload { address: MailingAddress userErrors: [UserError!]! }
  type CustomerAddressDeletePayload { deletedAddressId: ID userErrors: [UserError!]! }

  type Mutation {
    customerCreate(input: CustomerInput!): CustomerCreatePayload
    customerUpdate(input: CustomerInput!): CustomerUpdatePayload
    customerEmailMarketingConsentUpdate(input: CustomerEmailMarketingConsentUpdateInput!): CustomerEmailMarketingConsentUpdatePayload
    customerSmsMarketingConsentUpdate(input: CustomerSmsMarketingConsentUpdateInput!): CustomerSmsMarketingConsentUpdatePayload
    customerAddressCreate(customerId: ID!, address: MailingAddressInput!, setAsDefault: Boolean): CustomerAddressCreatePayload
    customerAddressUpdate(customerId: ID!, addressId: ID!, address: MailingAddressInput!, setAsDefault: Boolean): CustomerAddressUpdatePayload
    customerAddressDelete(customerId: ID!, addressId: ID!): CustomerAddressDeletePayload
  }
`
);
var shopifyAdminSchema = buildSchema(SHOPIFY_ADMIN_SDL);
var MAX_PAGE_SIZE = 250;
var MAX_INPUT_ARRAY = 250;
function createRootValue(state) {
  const customerPayload = (result) => {
    if (!result.ok) return { customer: null, userErrors: result.userErrors.map(userError) };
    return { customer: customerView(result.value), userErrors: [] };
  };
  return {
    // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/customer
    customer: ({ id }) => {
      const customer = state.get(parseGid(id, "Customer"));
      return customer ? customerView(customer) : null;
    },
    // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/nodes (unknown ids answer null)
    nodes: ({ ids }) => {
      if (ids.length > MAX_INPUT_ARRAY) {
        throw new GraphQLError(`The input array size of ${ids.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`, {
          extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" }
        });
      }
      return ids.map((id) => {
        const match = /^gid:\/\/shopify\/Customer\/(\d{1,20})$/.exec(id);
        const customer = match?.[1] ? state.get(BigInt(match[1])) : void 0;
        if (!match && !/^gid:\/\/shopify\/\w+\/\S+$/.test(id)) throw new GraphQLError(`Invalid global id '${id}'`, { extensions: { code: "argumentLiteralsIncompatible" } });
        return customer ? customerView(customer) : null;
      });
    },
    // https://shopify.dev/docs/api/admin-graphql/2025-10/queries/customers
    customers: (args) => {
      const size = args.first ?? args.last;
      if (size == null) throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
      if (size > MAX_PAGE_SIZE) throw new GraphQLError(`The page size may not exceed ${MAX_PAGE_SIZE}`, { extensions: { code: "BAD_REQUEST" } });
      const ordered = args.reverse ? state.search(args.query).reverse() : state.search(args.query);
      const comesAfter = (a, b) => args.reverse ? a < b : a > b;
      const afterId = args.after ? decodeCursor(args.after) : void 0;
      const beforeId = args.before ? decodeCursor(args.before) : void 0;
      const window = ordered.filter(
        (customer) => (afterId === void 0 || comesAfter(customer.id, afterId)) && (beforeId === void 0 || comesAfter(beforeId, customer.id))
      );
      const page = args.first != null ? window.slice(0, size) : window.slice(Math.max(0, window.length - size));
      const first = page[0];
      const last = page[page.length - 1];
      const startIndex = first ? ordered.indexOf(first) : 0;
      return {
        edges: page.map((customer) => ({ cursor: encodeCursor(customer.id), node: customerView(customer) })),
        nodes: page.map(customerView),
        pageInfo: {
          hasNextPage: last !== void 0 && startIndex + page.length < ordered.length,
          hasPreviousPage: first !== void 0 && startIndex > 0,
          startCursor: first ? encodeCursor(first.id) : null,
          endCursor: last ? encodeCursor(last.id) : null
        }
      };
    },
    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerCreate
    customerCreate: ({ input }) => {
      if (input.id) return { customer: null, userErrors: [{ field: ["id"], message: "Id must not be set when creating a customer" }] };
      const result = state.createCustomer({
        ...fieldsInput(input),
        addresses: (input.addresses ?? []).map(addressInput),
        emailMarketing: consentInput(input.emailMarketingConsent),
        smsMarketing: consentInput(input.smsMarketingConsent)
      });
      return customerPayload(result);
    },
    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerUpdate
    customerUpdate: ({ input }) => {
      if (!input.id) return { customer: null, userErrors: [{ field: ["id"], message: "Customer does not exist" }] };
      if (input.emailMarketingConsent) {
        return { customer: null, userErrors: [{ field: ["emailMarketingConsent"], message: "To update emailMarketingConsent, please use the customerEmailMarketingConsentUpdate Mutation instead" }] };
      }
      if (input.smsMarketingConsent) {
        return { customer: null, userErrors: [{ field: ["smsMarketingConsent"], message: "To update smsMarketingConsent, please use the customerSmsMarketingConsentUpdate Mutation instead" }] };
      }
      const id = parseGid(input.id, "Customer");
      let result = state.updateCustomer(id, fieldsInput(input));
      for (const [index, address] of (input.addresses ?? []).entries()) {
        if (!result.ok) break;
        const added = state.addAddress(id, addressInput(address), index === 0);
        result = added.ok ? { ok: true, value: added.value.customer } : added;
      }
      return customerPayload(result);
    },
    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerEmailMarketingConsentUpdate
    customerEmailMarketingConsentUpdate: ({ input }) => {
      const consent3 = input.emailMarketingConsent;
      if (!["SUBSCRIBED", "UNSUBSCRIBED", "PENDING"].includes(consent3.marketingState)) {
        return { customer: null, userErrors: [{ field: ["input", "emailMarketingConsent", "marketingState"], message: "Marketing state is not included in the list", code: "INCLUSION" }] };
      }
      const result = state.setEmailMarketing(parseGid(input.customerId, "Customer"), consentInput(consent3));
      return customerPayload(result);
    },
    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerSmsMarketingConsentUpdate
    customerSmsMarketingConsentUpdate: ({ input }) => {
      const consent3 = input.smsMarketingConsent;
      if (!["SUBSCRIBED", "UNSUBSCRIBED", "PENDING"].includes(consent3.marketingState)) {
        return { customer: null, userErrors: [{ field: ["input", "smsMarketingConsent", "marketingState"], message: "Marketing state is not included in the list", code: "INCLUSION" }] };
      }
      const result = state.setSmsMarketing(parseGid(input.customerId, "Customer"), consentInput(consent3));
      return customerPayload(result);
    },
    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerAddressCreate
    customerAddressCreate: (args) => {
      const result = state.addAddress(parseGid(args.customerId, "Customer"), addressInput(args.address), args.setAsDefault ?? false);
      if (!result.ok) return { address: null, userErrors: result.userErrors.map(userError) };
      return { address: addressView(result.value.customer, result.value.address), userErrors: [] };
    },
    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerAddressUpdate
    customerAddressUpdate: (args) => {
      const result = state.updateAddress(
        parseGid(args.customerId, "Customer"),
        parseGid(args.addressId, "MailingAddress"),
        addressInput(args.address),
        args.setAsDefault ?? false
      );
      if (!result.ok) return { address: null, userErrors: result.userErrors.map(userError) };
      return { address: addressView(result.value.customer, result.value.address), userErrors: [] };
    },
    // https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerAddressDelete
    customerAddressDelete: (args) => {
      const result = state.deleteAddress(parseGid(args.customerId, "Customer"), parseGid(args.addressId, "MailingAddress"));
      if (!result.ok) return { deletedAddressId: null, userErrors: result.userErrors.map(userError) };
      return { deletedAddressId: args.addressId, userErrors: [] };
    }
  };
}
function userError(error) {
  return { field: error.field, message: error.message, ...error.code ? { code: error.code } : {} };
}
function fieldsInput(input) {
  const { firstName, lastName, email, phone, note, tags } = input;
  return compact({ firstName, lastName, email, phone, note, tags });
}
function addressInput(input) {
  const address = {};
  for (const key of ["address1", "address2", "city", "company", "countryCode", "firstName", "lastName", "phone", "provinceCode", "zip"]) {
    const value = input[key];
    if (value !== void 0) address[key] = value;
  }
  return address;
}
function consentInput(input) {
  if (!input) return void 0;
  return {
    state: input.marketingState,
    optInLevel: input.marketingOptInLevel ?? null,
    updatedAt: input.consentUpdatedAt ? new Date(input.consentUpdatedAt) : null
  };
}
function parseGid(gid, type) {
  const match = new RegExp(`^gid://shopify/${type}/(\\d{1,20})(\\?.*)?$`).exec(gid);
  if (!match?.[1]) throw new GraphQLError(`Invalid global id '${gid}'`, { extensions: { code: "argumentLiteralsIncompatible" } });
  return BigInt(match[1]);
}
function dateTime(date2) {
  return `${date2.toISOString().slice(0, 19)}Z`;
}
function encodeCursor(id) {
  return Buffer.from(JSON.stringify({ last_id: id.toString() })).toString("base64");
}
function decodeCursor(cursor) {
  const match = /"last_id":"(\d+)"/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match?.[1]) throw new GraphQLError("Invalid cursor for current pagination sort.", { extensions: { code: "BAD_REQUEST" } });
  return BigInt(match[1]);
}
function customerView(customer) {
  const defaultAddress = customer.addresses.find((address) => address.id === customer.defaultAddressId);
  const displayName = [customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.email || customer.phone || "";
  return {
    __typename: "Customer",
    id: `gid://shopify/Customer/${customer.id}`,
    legacyResourceId: customer.id.toString(),
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName,
    email: customer.email,
    phone: customer.phone,
    defaultEmailAddress: customer.email ? {
      emailAddress: customer.email,
      marketingState: customer.emailMarketing.state,
      marketingOptInLevel: customer.emailMarketing.optInLevel,
      marketingUpdatedAt: customer.emailMarketing.updatedAt ? dateTime(customer.emailMarketing.updatedAt) : null
    } : null,
    defaultPhoneNumber: customer.phone ? {
      phoneNumber: customer.phone,
      marketingState: customer.smsMarketing.state,
      marketingOptInLevel: customer.smsMarketing.optInLevel,
      marketingUpdatedAt: customer.smsMarketing.updatedAt ? dateTime(customer.smsMarketing.updatedAt) : null
    } : null,
    emailMarketingConsent: customer.email ? {
      marketingState: customer.emailMarketing.state,
      marketingOptInLevel: customer.emailMarketing.optInLevel,
      consentUpdatedAt: customer.emailMarketing.updatedAt ? dateTime(customer.emailMarketing.updatedAt) : null
    } : null,
    smsMarketingConsent: customer.phone ? {
      marketingState: customer.smsMarketing.state,
      marketingOptInLevel: customer.smsMarketing.optInLevel ?? "UNKNOWN",
      consentUpdatedAt: customer.smsMarketing.updatedAt ? dateTime(customer.smsMarketing.updatedAt) : null
    } : null,
    defaultAddress: defaultAddress ? addressView(customer, defaultAddress) : null,
    addresses: ({ first }) => customer.addresses.slice(0, first ?? void 0).map((address) => addressView(customer, address)),
    tags: [...customer.tags].sort(),
    note: customer.note,
    state: customer.state,
    verifiedEmail: customer.verifiedEmail,
    createdAt: dateTime(customer.createdAt),
    updatedAt: dateTime(customer.updatedAt)
  };
}
function addressView(customer, address) {
  const firstName = address.firstName ?? customer.firstName;
  const lastName = address.lastName ?? customer.lastName;
  return {
    __typename: "MailingAddress",
    id: `gid://shopify/MailingAddress/${address.id}?model_name=CustomerAddress`,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    company: address.company,
    country: countryName(address.countryCode),
    countryCodeV2: address.countryCode,
    firstName,
    lastName,
    name: [firstName, lastName].filter(Boolean).join(" "),
    phone: address.phone,
    province: provinceName(address.countryCode, address.provinceCode),
    provinceCode: address.provinceCode,
    zip: address.zip
  };
}
function fieldNames(selectionSet, fragments = /* @__PURE__ */ new Map()) {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldNames(selection.selectionSet, fragments);
    const fragment = fragments.get(selection.name.value);
    return fragment ? fieldNames(fragment.selectionSet, fragments) : [];
  });
}

// connectors/shopify/fake/graphql-endpoint.ts
import { randomUUID as randomUUID2 } from "node:crypto";
import { performance as performance2 } from "node:perf_hooks";
import { Kind as Kind4, execute, parse } from "graphql";
import { z as z5 } from "zod";

// connectors/shopify/fake/cost.ts
import {
  Kind as Kind2,
  getNamedType as getNamedType2,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType as isObjectType2
} from "graphql";
var MAX_SINGLE_QUERY_COST = 1e3;
var MUTATION_COST = 10;
var CONNECTION_COST = 2;
function requestedCost(context, operation) {
  if (operation.operation === "mutation") return MUTATION_COST * countFields(operation.selectionSet, context);
  const root2 = context.schema.getQueryType();
  return root2 ? selectionCost(operation.selectionSet, root2, context, void 0) : 0;
}
function actualCost(context, operation, data) {
  if (operation.operation === "mutation") return requestedCost(context, operation);
  const root2 = context.schema.getQueryType();
  return root2 ? selectionCost(operation.selectionSet, root2, context, { value: data }) : 0;
}
function selectionCost(selectionSet, parent, context, returned) {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind2.FRAGMENT_SPREAD) {
      const fragment = context.fragments.get(selection.name.value);
      if (fragment) cost += selectionCost(fragment.selectionSet, typeNamed(context, fragment.typeCondition.name.value) ?? parent, context, returned);
      continue;
    }
    if (selection.kind === Kind2.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? typeNamed(context, selection.typeCondition.name.value) : parent;
      cost += selectionCost(selection.selectionSet, type ?? parent, context, returned);
      continue;
    }
    if (!selection.selectionSet || !("getFields" in parent)) continue;
    const field = parent.getFields()[selection.name.value];
    if (!field) continue;
    const responseKey = selection.alias?.value ?? selection.name.value;
    const value = returned ? { value: recordOf(returned.value)?.[responseKey] } : void 0;
    cost += fieldCost(field, selection.selectionSet, selection.arguments ?? [], context, value);
  }
  return cost;
}
function fieldCost(field, selectionSet, args, context, returned) {
  const type = getNamedType2(field.type);
  if (!isCompositeType(type)) return 0;
  if (returned && (returned.value === null || returned.value === void 0)) return 0;
  if (isObjectType2(type) && type.name.endsWith("Connection")) {
    const nodeCost = (node) => connectionNodeCost(selectionSet, type, context, node);
    if (!returned) return CONNECTION_COST + pageSize(args, context) * nodeCost(void 0);
    const record = recordOf(returned.value);
    const nodes = Array.isArray(record?.["nodes"]) ? record["nodes"] : Array.isArray(record?.["edges"]) ? record["edges"].map((edge) => recordOf(edge)?.["node"]) : [];
    return CONNECTION_COST + nodes.reduce((sum, node) => sum + nodeCost({ value: node }), 0);
  }
  if (isListType(getNullableType(field.type))) {
    const each = (item) => item && item.value == null ? 0 : 1 + selectionCost(selectionSet, type, context, item);
    if (!returned) return listSize(args, context) * each(void 0);
    const items = Array.isArray(returned.value) ? returned.value : [];
    return items.reduce((sum, item) => sum + each({ value: item }), 0);
  }
  return 1 + selectionCost(selectionSet, type, context, returned);
}
function connectionNodeCost(selectionSet, connection, context, node) {
  if (node && node.value == null) return 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind2.FIELD || !selection.selectionSet || !("getFields" in connection)) continue;
    const field = connection.getFields()[selection.name.value];
    const type = field ? getNamedType2(field.type) : void 0;
    if (!type || !isCompositeType(type)) continue;
    if (selection.name.value === "nodes") cost = Math.max(cost, 1 + selectionCost(selection.selectionSet, type, context, node));
    if (selection.name.value === "edges") {
      const edgeNode = selection.selectionSet.selections.find((child) => child.kind === Kind2.FIELD && child.name.value === "node");
      const nodeType = "getFields" in type ? getNamedType2(type.getFields()["node"]?.type) : void 0;
      if (edgeNode?.kind === Kind2.FIELD && edgeNode.selectionSet && nodeType && isCompositeType(nodeType)) {
        cost = Math.max(cost, 1 + selectionCost(edgeNode.selectionSet, nodeType, context, node));
      }
    }
  }
  return cost;
}
function pageSize(args, context) {
  const size = args.find((arg) => arg.name.value === "first" || arg.name.value === "last");
  return size ? Math.max(0, numberValue(size.value, context)) : 1;
}
function listSize(args, context) {
  const ids = args.find((arg) => arg.name.value === "ids");
  if (ids) return listLength(ids.value, context);
  return pageSize(args, context);
}
function numberValue(value, context) {
  if (value.kind === Kind2.INT) return Number(value.value);
  if (value.kind === Kind2.VARIABLE) {
    const raw = context.variables[value.name.value];
    return typeof raw === "number" ? raw : 1;
  }
  return 1;
}
function listLength(value, context) {
  if (value.kind === Kind2.LIST) return value.values.length;
  if (value.kind === Kind2.VARIABLE) {
    const raw = context.variables[value.name.value];
    return Array.isArray(raw) ? raw.length : 1;
  }
  return 1;
}
function countFields(selectionSet, context) {
  return selectionSet.selections.reduce((count, selection) => {
    if (selection.kind === Kind2.FIELD) return count + 1;
    if (selection.kind === Kind2.INLINE_FRAGMENT) return count + countFields(selection.selectionSet, context);
    const fragment = context.fragments.get(selection.name.value);
    return count + (fragment ? countFields(fragment.selectionSet, context) : 0);
  }, 0);
}
function typeNamed(context, name) {
  const type = context.schema.getType(name);
  return type && isCompositeType(type) ? type : void 0;
}
function recordOf(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : void 0;
}

// connectors/shopify/fake/errors.ts
import {
  Kind as Kind3,
  TypeInfo,
  getLocation,
  getNamedType as getNamedType3,
  getVariableValues,
  print,
  validate as validate2,
  visit,
  visitWithTypeInfo
} from "graphql";
function documentErrors(schema, document, operation) {
  const errors = [...undefinedFields(schema, document, operation)];
  for (const error of validate2(schema, document)) {
    if (error.message.startsWith("Cannot query field")) continue;
    const argument = /^Unknown argument "(\w+)" on field "\w+\.(\w+)"\.$/.exec(error.message);
    if (argument) {
      errors.push({
        message: `Field '${argument[2]}' doesn't accept argument '${argument[1]}'`,
        ...locations(error),
        extensions: { code: "argumentNotAccepted", name: argument[2], typeName: "Field", argumentName: argument[1] }
      });
      continue;
    }
    errors.push({ message: error.message, ...locations(error) });
  }
  return errors;
}
function variableErrors(schema, operation, variables) {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
  if (!result.errors) return [];
  return result.errors.map((error) => {
    const name = /^Variable "\$(\w+)"/.exec(error.message)?.[1] ?? "";
    const definition = operation.variableDefinitions?.find((variable) => variable.variable.name.value === name);
    const at = /at "[^".]+((?:\.[^".]+)*)"/.exec(error.message)?.[1];
    const path8 = at ? at.slice(1).split(".").filter(Boolean) : [];
    const explanation = error.message.includes("was not provided") || error.message.includes("must not be null") ? "Expected value to not be null" : error.message.split("; ").slice(1).join("; ") || error.message;
    return {
      message: `Variable $${name} of type ${definition ? print(definition.type) : "unknown"} was provided invalid value`,
      ...locations(error),
      extensions: { code: "INVALID_VARIABLE", value: variables[name] ?? null, problems: [{ path: path8, explanation }] }
    };
  });
}
function undefinedFields(schema, document, operation) {
  const errors = [];
  const typeInfo = new TypeInfo(schema);
  const path8 = [];
  const root2 = operation.name ? `${operation.operation} ${operation.name.value}` : operation.operation;
  visit(
    operation,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          path8.push(node.alias ? `${node.alias.value}: ${node.name.value}` : node.name.value);
          const parent = typeInfo.getParentType();
          if (parent && !typeInfo.getFieldDef() && node.name.value !== "__typename") {
            const typeName = getNamedType3(parent).name;
            errors.push({
              message: `Field '${node.name.value}' doesn't exist on type '${typeName}'`,
              ...locationOf(node),
              path: [root2, ...path8],
              extensions: { code: "undefinedField", typeName, fieldName: node.name.value }
            });
          }
        },
        leave() {
          path8.pop();
        }
      },
      InlineFragment: {
        enter(node) {
          path8.push(node.typeCondition ? `... on ${node.typeCondition.name.value}` : "...");
        },
        leave() {
          path8.pop();
        }
      }
    })
  );
  for (const definition of document.definitions) {
    if (definition.kind !== Kind3.FRAGMENT_DEFINITION) continue;
    const fragmentInfo = new TypeInfo(schema);
    const fragmentPath = [];
    visit(
      definition,
      visitWithTypeInfo(fragmentInfo, {
        Field: {
          enter(node) {
            fragmentPath.push(node.name.value);
            const parent = fragmentInfo.getParentType();
            if (parent && !fragmentInfo.getFieldDef() && node.name.value !== "__typename") {
              const typeName = getNamedType3(parent).name;
              errors.push({
                message: `Field '${node.name.value}' doesn't exist on type '${typeName}'`,
                ...locationOf(node),
                path: [`fragment ${definition.name.value}`, ...fragmentPath],
                extensions: { code: "undefinedField", typeName, fieldName: node.name.value }
              });
            }
          },
          leave() {
            fragmentPath.pop();
          }
        }
      })
    );
  }
  return errors;
}
function locations(error) {
  return error.locations ? { locations: error.locations.map(({ line, column }) => ({ line, column })) } : {};
}
function locationOf(node) {
  if (!node.loc) return {};
  const { line, column } = getLocation(node.loc.source, node.loc.start);
  return { locations: [{ line, column }] };
}

// connectors/shopify/fake/graphql-endpoint.ts
var GraphqlRequestSchema = z5.object({
  query: z5.string().min(1),
  variables: z5.record(z5.string(), z5.unknown()).nullish(),
  operationName: z5.string().nullish()
});
var UNAUTHORIZED_BODY = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };
var RATE_LIMITED_BODY = { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." };
var RATE_LIMIT_DOCS = "https://shopify.dev/api/usage/limits#rate-limits";
function maxCostMessage(cost, max) {
  return `Query cost is ${cost}, which exceeds the single query max cost limit (${max}).

See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the
cost of a query is calculated.

To query larger amounts of data with fewer limits, bulk operations should be used instead.
See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.
`;
}
function createGraphqlEndpoint(options) {
  const calls = [];
  const failures = [];
  const { bucket } = options;
  const record = (call) => void calls.push({ ...call, at: Date.now() });
  async function handle(request, version) {
    const headers = { "x-shopify-api-version": version, "x-request-id": randomUUID2() };
    if (request.headers["x-shopify-access-token"] !== options.accessToken) {
      record({ kind: "unknown", fields: [], outcome: "unauthorized", status: 401 });
      return { status: 401, headers, body: UNAUTHORIZED_BODY };
    }
    const body = GraphqlRequestSchema.safeParse(request.json);
    if (!body.success) {
      record({ kind: "unknown", fields: [], outcome: "invalid", status: 400 });
      return { status: 400, headers, body: { errors: { query: "Required parameter missing or invalid" } } };
    }
    const variables = body.data.variables ?? {};
    let document;
    try {
      document = parse(body.data.query);
    } catch (error) {
      record({ kind: "unknown", fields: [], outcome: "invalid", status: 200 });
      return { status: 200, headers, body: { errors: [{ message: error instanceof Error ? error.message : String(error) }] } };
    }
    const operation = pickOperation(document, body.data.operationName);
    const fragments = /* @__PURE__ */ new Map();
    for (const definition of document.definitions) {
      if (definition.kind === Kind4.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const kind = operation?.operation === "mutation" ? "mutation" : operation?.operation === "query" ? "query" : "unknown";
    const fields = operation ? fieldNames(operation.selectionSet, fragments) : [];
    const failure = failures.shift();
    if (failure) {
      record({ kind, fields, outcome: "forced_failure", status: failure.status });
      return {
        status: failure.status,
        headers: { ...headers, ...failure.retryAfter !== void 0 ? { "retry-after": failure.retryAfter } : {} },
        body: failure.body ?? (failure.status === 429 ? RATE_LIMITED_BODY : { errors: "Internal Server Error" })
      };
    }
    const fault = options.faults.decide();
    if (fault === "rate_limited") {
      record({ kind, fields, outcome: "throttled", status: 200 });
      const status = bucket.status();
      return {
        status: 200,
        headers,
        body: {
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMIT_DOCS } }],
          extensions: { cost: { requestedQueryCost: 1, actualQueryCost: null, throttleStatus: { ...status, currentlyAvailable: 0 } } }
        }
      };
    }
    if (fault === "server_error") {
      record({ kind, fields, outcome: "forced_failure", status: 503 });
      return { status: 503, headers, body: { errors: "Service Unavailable" } };
    }
    if (!operation) {
      record({ kind, fields, outcome: "invalid", status: 200 });
      return { status: 200, headers, body: { errors: [{ message: "An operation name is required" }] } };
    }
    const invalid = documentErrors(shopifyAdminSchema, document, operation);
    const badVariables = invalid.length === 0 ? variableErrors(shopifyAdminSchema, operation, variables) : [];
    if (invalid.length > 0 || badVariables.length > 0) {
      record({ kind, fields, outcome: "invalid", status: 200 });
      return { status: 200, headers, body: { errors: [...invalid, ...badVariables] } };
    }
    const costContext = { schema: shopifyAdminSchema, fragments, variables };
    const requested = requestedCost(costContext, operation);
    const maxCost = Math.min(MAX_SINGLE_QUERY_COST, bucket.maximumAvailable);
    if (requested > maxCost) {
      record({ kind, fields, outcome: "invalid", status: 200, requestedQueryCost: requested });
      return {
        status: 200,
        headers,
        body: {
          errors: [{ message: maxCostMessage(requested, maxCost), extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost, documentation: RATE_LIMIT_DOCS } }]
        }
      };
    }
    if (!bucket.take(requested)) {
      record({ kind, fields, outcome: "throttled", status: 200, requestedQueryCost: requested });
      return {
        status: 200,
        headers,
        body: {
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMIT_DOCS } }],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } }
        }
      };
    }
    const result = await execute({ schema: shopifyAdminSchema, document, rootValue: options.rootValue, variableValues: variables, operationName: body.data.operationName ?? void 0 });
    const actual = Math.min(requested, actualCost(costContext, operation, result.data));
    bucket.refund(requested - actual);
    options.afterExecute();
    record({ kind, fields, outcome: "executed", status: 200, requestedQueryCost: requested, actualQueryCost: actual });
    return {
      status: 200,
      headers,
      body: {
        ...result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {},
        ...result.data !== void 0 ? { data: result.data } : {},
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() } }
      }
    };
  }
  return {
    handle,
    calls,
    failNext(count, failure) {
      for (let i = 0; i < count; i += 1) failures.push(failure);
    }
  };
}
function pickOperation(document, operationName) {
  const operations = document.definitions.filter((definition) => definition.kind === Kind4.OPERATION_DEFINITION);
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : void 0;
}
var CostBucket = class {
  constructor(maximumAvailable, restoreRate) {
    this.maximumAvailable = maximumAvailable;
    this.restoreRate = restoreRate;
    this.available = maximumAvailable;
  }
  maximumAvailable;
  restoreRate;
  available;
  last = performance2.now();
  take(cost) {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }
  /** After execution: give back what the query did not use (requested − actual). */
  refund(points) {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }
  status() {
    this.refill();
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }
  refill() {
    const now = performance2.now();
    this.available = Math.min(this.maximumAvailable, this.available + (now - this.last) / 1e3 * this.restoreRate);
    this.last = now;
  }
};

// connectors/shopify/fake/persist.ts
import { mkdirSync as mkdirSync2, readFileSync as readFileSync2, renameSync as renameSync2, writeFileSync as writeFileSync2 } from "node:fs";
import { dirname } from "node:path";
import { z as z6 } from "zod";
var SAVE_DEBOUNCE_MS = 250;
var digits = z6.string().regex(/^\d{1,20}$/).transform((value) => BigInt(value));
var date = z6.iso.datetime().transform((value) => new Date(value));
var text = z6.string().nullable();
var consent = (state) => z6.object({ state, optInLevel: z6.enum(["SINGLE_OPT_IN", "CONFIRMED_OPT_IN", "UNKNOWN"]).nullable(), updatedAt: date.nullable() });
var PersistedAddressSchema = z6.object({
  id: digits,
  firstName: text,
  lastName: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  provinceCode: text,
  zip: text,
  countryCode: text,
  phone: text
});
var PersistedCustomerSchema = z6.object({
  id: digits,
  firstName: text,
  lastName: text,
  email: text,
  phone: text,
  note: text,
  tags: z6.array(z6.string()),
  emailMarketing: consent(z6.enum(["NOT_SUBSCRIBED", "PENDING", "SUBSCRIBED", "UNSUBSCRIBED", "REDACTED", "INVALID"])),
  smsMarketing: consent(z6.enum(["NOT_SUBSCRIBED", "PENDING", "SUBSCRIBED", "UNSUBSCRIBED", "REDACTED"])),
  addresses: z6.array(PersistedAddressSchema),
  defaultAddressId: digits.nullable(),
  state: z6.enum(["DISABLED", "ENABLED", "INVITED", "DECLINED"]),
  verifiedEmail: z6.boolean(),
  createdAt: date,
  updatedAt: date
});
var PersistedStateSchema = z6.object({
  version: z6.literal(1),
  nextCustomerId: digits,
  nextAddressId: digits,
  customers: z6.array(PersistedCustomerSchema)
});
function loadState(path8) {
  let raw;
  try {
    raw = readFileSync2(path8, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return void 0;
    throw error;
  }
  const parsed = PersistedStateSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
    throw new Error(`The Shopify fake's saved state at ${path8} is not readable (${paths}); delete it to start fresh`);
  }
  const customers = parsed.data.customers;
  return { customers, nextCustomerId: parsed.data.nextCustomerId, nextAddressId: parsed.data.nextAddressId };
}
function saveState(path8, snapshot) {
  const body = JSON.stringify(
    { version: 1, nextCustomerId: snapshot.nextCustomerId, nextAddressId: snapshot.nextAddressId, customers: snapshot.customers },
    (_key, value) => typeof value === "bigint" ? value.toString() : value
  );
  mkdirSync2(dirname(path8), { recursive: true });
  const temporary = `${path8}.${process.pid}.tmp`;
  writeFileSync2(temporary, body);
  renameSync2(temporary, path8);
}
function persistState(state, path8) {
  let timer;
  const save = () => {
    timer = void 0;
    saveState(path8, state.snapshot());
  };
  state.onChange(() => {
    if (timer) return;
    timer = setTimeout(save, SAVE_DEBOUNCE_MS);
    timer.unref();
  });
  return {
    flush() {
      if (!timer) return;
      clearTimeout(timer);
      save();
    }
  };
}

// connectors/shopify/fake/sandbox.ts
import { z as z7 } from "zod";
var text2 = z7.string().nullish();
var SandboxAddressInputSchema = z7.strictObject({
  first_name: text2,
  last_name: text2,
  company: text2,
  address1: text2,
  address2: text2,
  city: text2,
  province_code: text2,
  zip: text2,
  country_code: z7.string().regex(/^[A-Za-z]{2}$/, "an ISO 3166-1 alpha-2 country code").nullish(),
  phone: text2
});
var SandboxConsentSchema = z7.strictObject({
  state: z7.enum(["subscribed", "not_subscribed", "pending", "unsubscribed"]),
  opt_in_level: z7.enum(["single_opt_in", "confirmed_opt_in", "unknown"]).nullish()
});
var SandboxCustomerInputSchema = z7.strictObject({
  first_name: text2,
  last_name: text2,
  email: text2,
  phone: text2,
  note: text2,
  /** "a, b" as in REST, or a list. */
  tags: z7.union([z7.string(), z7.array(z7.string())]).nullish(),
  /** The default address: set (replacing the current default), or null to remove it. */
  default_address: SandboxAddressInputSchema.nullish(),
  email_marketing_consent: SandboxConsentSchema.nullish(),
  sms_marketing_consent: SandboxConsentSchema.nullish()
});
var SandboxRequestBodySchema = z7.union([z7.strictObject({ customer: SandboxCustomerInputSchema }), SandboxCustomerInputSchema]);
function sandboxFields(body) {
  return "customer" in body ? body.customer : body;
}
function toFieldsInput(input) {
  const fields = {};
  if (input.first_name !== void 0) fields.firstName = input.first_name;
  if (input.last_name !== void 0) fields.lastName = input.last_name;
  if (input.email !== void 0) fields.email = input.email;
  if (input.phone !== void 0) fields.phone = input.phone;
  if (input.note !== void 0) fields.note = input.note;
  if (input.tags !== void 0) fields.tags = typeof input.tags === "string" ? input.tags.split(",") : input.tags;
  return fields;
}
function toCreateInput(input) {
  return {
    ...toFieldsInput(input),
    addresses: input.default_address ? [toAddressInput(input.default_address)] : [],
    emailMarketing: input.email_marketing_consent ? toConsent(input.email_marketing_consent) : void 0,
    smsMarketing: input.sms_marketing_consent ? toConsent(input.sms_marketing_consent) : void 0
  };
}
function toAddressInput(address) {
  const upper = (code) => code === void 0 ? void 0 : code?.toUpperCase() ?? null;
  return compact({
    firstName: address.first_name,
    lastName: address.last_name,
    company: address.company,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    provinceCode: upper(address.province_code),
    zip: address.zip,
    countryCode: upper(address.country_code),
    phone: address.phone
  });
}
function toConsent(consent3) {
  const state = { subscribed: "SUBSCRIBED", not_subscribed: "NOT_SUBSCRIBED", pending: "PENDING", unsubscribed: "UNSUBSCRIBED" }[consent3.state];
  const optInLevel = consent3.opt_in_level ? { single_opt_in: "SINGLE_OPT_IN", confirmed_opt_in: "CONFIRMED_OPT_IN", unknown: "UNKNOWN" }[consent3.opt_in_level] : null;
  return { state, optInLevel };
}

// connectors/shopify/fake/seed.ts
var SHOPIFY_SEED_CUSTOMERS = [
  {
    first_name: "Ada",
    last_name: "Lovelace",
    email: "Ada.Lovelace@Example.com",
    phone: "(212) 555-0101",
    tags: "vip, newsletter",
    default_address: { address1: "350 Fifth Avenue", address2: "Suite 3301", city: "New York", province_code: "NY", zip: "10118", country_code: "US" },
    email_marketing_consent: { state: "subscribed", opt_in_level: "single_opt_in" }
  },
  {
    first_name: "Grace",
    last_name: "Hopper",
    email: "grace@example.org",
    phone: "+1 212-555-0102",
    tags: "wholesale",
    default_address: { address1: "3801 Nebraska Ave NW", city: "Washington", province_code: "DC", zip: "20016", country_code: "US" },
    email_marketing_consent: { state: "not_subscribed" }
  },
  {
    first_name: "Alan",
    last_name: "Turing",
    email: "alan.turing@example.co.uk",
    default_address: { address1: "Bletchley Park", address2: "Sherwood Drive", city: "Milton Keynes", zip: "MK3 6EB", country_code: "GB" },
    email_marketing_consent: { state: "unsubscribed" }
  },
  {
    first_name: "Katherine",
    last_name: "Johnson",
    email: "katherine@example.net",
    phone: "+12125550104",
    tags: "vip",
    default_address: { address1: "1 NASA Drive", city: "Hampton", province_code: "VA", zip: "23681", country_code: "US" },
    email_marketing_consent: { state: "subscribed", opt_in_level: "confirmed_opt_in" },
    sms_marketing_consent: { state: "subscribed", opt_in_level: "single_opt_in" }
  }
];

// connectors/shopify/fake/state.ts
import { parsePhoneNumberFromString } from "libphonenumber-js";
var FIRST_CUSTOMER_ID = 7065055069303700000n;
var FIRST_ADDRESS_ID = 8807160201245300000n;
var ShopifyFakeState = class {
  constructor(clock, defaultCountry = "US", searchLagMs = 0) {
    this.clock = clock;
    this.defaultCountry = defaultCountry;
    this.searchLagMs = searchLagMs;
  }
  clock;
  defaultCountry;
  searchLagMs;
  customers = /* @__PURE__ */ new Map();
  nextCustomerId = FIRST_CUSTOMER_ID;
  nextAddressId = FIRST_ADDRESS_ID;
  listeners = [];
  /** Per customer, the index versions not yet superseded (oldest first). */
  searchIndex = /* @__PURE__ */ new Map();
  /** Called after every committed change (the server turns changes into webhooks, persist.ts saves). */
  onChange(listener) {
    this.listeners.push(listener);
  }
  snapshot() {
    return { customers: this.list().map((customer) => structuredClone(customer)), nextCustomerId: this.nextCustomerId, nextAddressId: this.nextAddressId };
  }
  /** Replaces everything with a saved snapshot (no change events: nothing changed in the shop). */
  restore(snapshot) {
    this.customers.clear();
    this.searchIndex.clear();
    for (const customer of snapshot.customers) {
      this.customers.set(customer.id, customer);
      this.searchIndex.set(customer.id, [{ customer, visibleAt: 0 }]);
    }
    this.nextCustomerId = snapshot.nextCustomerId;
    this.nextAddressId = snapshot.nextAddressId;
  }
  /** Now, truncated to the second: Shopify's updated_at has second resolution. */
  now() {
    return new Date(Math.floor(this.clock().getTime() / 1e3) * 1e3);
  }
  get(id) {
    return this.customers.get(id);
  }
  /** Every customer, in id order. */
  list() {
    return [...this.customers.values()].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }
  /**
   * Shopify customer search, the subset the client uses: `email:x`, `phone:x`, free text. It
   * reads the search index, which lags writes by `searchLagMs`; results are the customers as the
   * index matched them. https://shopify.dev/docs/api/usage/search-syntax
   */
  search(query) {
    const terms = [...(query ?? "").matchAll(/(\w+):"((?:[^"\\]|\\.)*)"|(\w+):(\S+)|"((?:[^"\\]|\\.)*)"|(\S+)/g)];
    const matches = this.indexed().filter(
      (customer) => terms.every((term) => {
        const key = term[1] ?? term[3];
        const value = unescape(term[2] ?? term[4] ?? term[5] ?? term[6] ?? "");
        if (key === "email") return customer.email?.toLowerCase() === value.toLowerCase();
        if (key === "phone") return customer.phone !== null && customer.phone === this.toE164(value);
        if (key === "id") return customer.id.toString() === value;
        if (key) return false;
        const haystack = [customer.firstName, customer.lastName, customer.email, customer.phone].join(" ").toLowerCase();
        return haystack.includes(value.toLowerCase());
      })
    );
    return matches.flatMap((match) => {
      const current = this.customers.get(match.id);
      return current ? [current] : [];
    });
  }
  /** The customers as the search index sees them now. */
  indexed() {
    const now = Date.now();
    const visible = [];
    for (const [id, entries] of this.searchIndex) {
      while (entries.length > 1 && entries[1].visibleAt <= now) entries.shift();
      const entry = entries[0];
      if (!entry || entry.visibleAt > now) continue;
      if (entry.customer) visible.push(entry.customer);
      else if (entries.length === 1) this.searchIndex.delete(id);
    }
    return visible.sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }
  createCustomer(input) {
    const now = this.now();
    const customer = {
      id: this.nextCustomerId,
      firstName: null,
      lastName: null,
      email: null,
      phone: null,
      note: null,
      tags: [],
      emailMarketing: { state: "NOT_SUBSCRIBED", optInLevel: null, updatedAt: null },
      smsMarketing: { state: "NOT_SUBSCRIBED", optInLevel: null, updatedAt: null },
      addresses: [],
      defaultAddressId: null,
      state: "DISABLED",
      verifiedEmail: true,
      createdAt: now,
      updatedAt: now
    };
    const errors = this.applyFields(customer, input);
    if (errors.length === 0 && !hasContact(customer)) errors.push({ field: null, message: "Customer must have a name, phone number or email address" });
    if (input.emailMarketing && !customer.email) {
      errors.push({ field: ["emailMarketingConsent"], message: "An email address is required to set the email marketing consent" });
    }
    if (input.smsMarketing && !customer.phone) {
      errors.push({ field: ["smsMarketingConsent"], message: "A phone number is required to set the SMS marketing consent" });
    }
    if (errors.length > 0) return { ok: false, userErrors: errors };
    if (input.emailMarketing) customer.emailMarketing = consent2(input.emailMarketing, now);
    if (input.smsMarketing) customer.smsMarketing = consent2(input.smsMarketing, now);
    for (const address of input.addresses ?? []) this.pushAddress(customer, address);
    customer.defaultAddressId = customer.addresses[0]?.id ?? null;
    this.customers.set(customer.id, customer);
    this.nextCustomerId += 1n;
    this.changed(void 0, customer);
    return { ok: true, value: customer };
  }
  /** The merchant deletes a customer (or Shopify erases one on a redact request). */
  deleteCustomer(id) {
    const current = this.customers.get(id);
    if (!current) return notFound();
    this.customers.delete(id);
    this.changed(current, void 0);
    return { ok: true, value: current };
  }
  /**
   * customerMerge: which customer is kept, as Shopify picks it. With no override: the one with an
   * email if only one has one; with both, an ENABLED account wins, then an INVITED one when the
   * other's consent is not SUBSCRIBED or PENDING, then the subscribed consent; otherwise (and when
   * neither has an email) customerTwo.
   * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/customerMerge
   */
  mergeKeeps(oneId, twoId, keepId) {
    const one = this.customers.get(oneId);
    const two = this.customers.get(twoId);
    if (!one || !two || oneId === twoId) return void 0;
    if (keepId === oneId || keepId === twoId) return keepId;
    if (Boolean(one.email) !== Boolean(two.email)) return one.email ? oneId : twoId;
    if (!one.email) return twoId;
    if (one.state === "ENABLED" && two.state !== "ENABLED") return oneId;
    if (two.state === "ENABLED" && one.state !== "ENABLED") return twoId;
    const opted = (customer) => customer.emailMarketing.state === "SUBSCRIBED" || customer.emailMarketing.state === "PENDING";
    if (one.state === "INVITED" && two.state !== "INVITED" && !opted(two)) return oneId;
    if (two.state === "INVITED" && one.state !== "INVITED" && !opted(one)) return twoId;
    if (opted(one) && !opted(two)) return oneId;
    return twoId;
  }
  /**
   * Merges two customers into the one Shopify keeps: its values stay, the other's fill what it
   * lacks (names, email, phone, note), tags and addresses are combined, and the other customer
   * is gone. Returns the kept customer and the id of the deleted one.
   */
  mergeCustomers(oneId, twoId, keepId) {
    const keptId = this.mergeKeeps(oneId, twoId, keepId);
    if (keptId === void 0) return failed(["customerOneId"], "Customers cannot be merged");
    const deletedId = keptId === oneId ? twoId : oneId;
    const kept = structuredClone(this.customers.get(keptId));
    const other = this.customers.get(deletedId);
    kept.firstName ??= other.firstName;
    kept.lastName ??= other.lastName;
    kept.note ??= other.note;
    if (!kept.email && other.email) {
      kept.email = other.email;
      kept.emailMarketing = structuredClone(other.emailMarketing);
    }
    if (!kept.phone && other.phone) {
      kept.phone = other.phone;
      kept.smsMarketing = structuredClone(other.smsMarketing);
    }
    kept.tags = [.../* @__PURE__ */ new Set([...kept.tags, ...other.tags])];
    kept.addresses = [...kept.addresses, ...structuredClone(other.addresses)];
    kept.defaultAddressId ??= other.defaultAddressId;
    this.customers.delete(deletedId);
    this.changed(other, void 0);
    const committed = this.commit(kept);
    return committed.ok ? { ok: true, value: { kept: committed.value, deletedId } } : committed;
  }
  updateCustomer(id, input) {
    const current = this.customers.get(id);
    if (!current) return notFound();
    const next = structuredClone(current);
    const errors = this.applyFields(next, input);
    if (errors.length === 0 && !hasContact(next)) errors.push({ field: null, message: "Customer must have a name, phone number or email address" });
    if (errors.length > 0) return { ok: false, userErrors: errors };
    if (!next.email) next.emailMarketing = { state: "NOT_SUBSCRIBED", optInLevel: null, updatedAt: null };
    if (!next.phone) next.smsMarketing = { state: "NOT_SUBSCRIBED", optInLevel: null, updatedAt: null };
    return this.commit(next);
  }
  setEmailMarketing(id, input) {
    const current = this.customers.get(id);
    if (!current) return notFound();
    if (!current.email) {
      return failed(["input", "emailMarketingConsent"], "Customer must have an email address to update email marketing consent", "INVALID");
    }
    return this.commit({ ...current, emailMarketing: consent2(input, this.now()) });
  }
  setSmsMarketing(id, input) {
    const current = this.customers.get(id);
    if (!current) return notFound();
    if (!current.phone) {
      return failed(["input", "smsMarketingConsent"], "Customer must have a phone number to update SMS marketing consent", "MISSING_ARGUMENT");
    }
    return this.commit({ ...current, smsMarketing: consent2(input, this.now()) });
  }
  addAddress(customerId, input, setAsDefault) {
    const current = this.customers.get(customerId);
    if (!current) return notFound();
    const next = structuredClone(current);
    const address = this.pushAddress(next, input);
    if (setAsDefault || next.defaultAddressId === null) next.defaultAddressId = address.id;
    const committed = this.commit(next);
    return committed.ok ? { ok: true, value: { customer: committed.value, address } } : committed;
  }
  updateAddress(customerId, addressId, input, setAsDefault) {
    const current = this.customers.get(customerId);
    if (!current) return notFound();
    const next = structuredClone(current);
    const index = next.addresses.findIndex((address2) => address2.id === addressId);
    const existing = next.addresses[index];
    if (!existing) return failed(["addressId"], "Address does not exist");
    const address = { ...emptyAddress(addressId), ...cleanAddress(input) };
    next.addresses[index] = address;
    if (setAsDefault) next.defaultAddressId = addressId;
    const committed = this.commit(next);
    return committed.ok ? { ok: true, value: { customer: committed.value, address } } : committed;
  }
  deleteAddress(customerId, addressId) {
    const current = this.customers.get(customerId);
    if (!current) return notFound();
    if (!current.addresses.some((address) => address.id === addressId)) return failed(["addressId"], "Address does not exist");
    const next = structuredClone(current);
    next.addresses = next.addresses.filter((address) => address.id !== addressId);
    if (next.defaultAddressId === addressId) next.defaultAddressId = next.addresses[0]?.id ?? null;
    return this.commit(next);
  }
  /** E.164 in the shop's country, or undefined when Shopify would answer "Phone is invalid". */
  toE164(raw) {
    const parsed = parsePhoneNumberFromString(raw.trim(), this.defaultCountry);
    return parsed?.isValid() ? parsed.number : void 0;
  }
  commit(next) {
    const before = this.customers.get(next.id);
    next.updatedAt = this.now();
    this.customers.set(next.id, next);
    this.changed(before, next);
    return { ok: true, value: next };
  }
  changed(before, after) {
    const id = (after ?? before).id;
    const entries = this.searchIndex.get(id) ?? [];
    entries.push({ customer: after ? structuredClone(after) : void 0, visibleAt: Date.now() + this.searchLagMs });
    this.searchIndex.set(id, entries);
    for (const listener of this.listeners) listener({ before, after });
  }
  /** Validates and applies the scalar fields onto `target`, returning the user errors. */
  applyFields(target, input) {
    const errors = [];
    if (input.firstName !== void 0) target.firstName = blankToNull(input.firstName);
    if (input.lastName !== void 0) target.lastName = blankToNull(input.lastName);
    if (input.note !== void 0) target.note = blankToNull(input.note);
    if (input.tags !== void 0) target.tags = [...new Set((input.tags ?? []).flatMap((tag) => tag.split(",")).map((tag) => tag.trim()).filter(Boolean))];
    if (input.email !== void 0) {
      const email = blankToNull(input.email);
      if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push({ field: ["email"], message: "Email is invalid" });
      else if (email !== null && this.list().some((other) => other.id !== target.id && other.email?.toLowerCase() === email.toLowerCase())) {
        errors.push({ field: ["email"], message: "Email has already been taken" });
      } else target.email = email;
    }
    if (input.phone !== void 0) {
      const raw = blankToNull(input.phone);
      const phone = raw === null ? null : this.toE164(raw);
      if (phone === void 0) errors.push({ field: ["phone"], message: "Phone is invalid" });
      else if (phone !== null && this.list().some((other) => other.id !== target.id && other.phone === phone)) {
        errors.push({ field: ["phone"], message: "Phone has already been taken" });
      } else target.phone = phone;
    }
    return errors;
  }
  pushAddress(customer, input) {
    const address = { ...emptyAddress(this.nextAddressId), ...cleanAddress(input) };
    this.nextAddressId += 1n;
    customer.addresses.push(address);
    return address;
  }
};
function emptyAddress(id) {
  return {
    id,
    firstName: null,
    lastName: null,
    company: null,
    address1: null,
    address2: null,
    city: null,
    provinceCode: null,
    zip: null,
    countryCode: null,
    phone: null
  };
}
function cleanAddress(input) {
  const out = {};
  for (const key of ["firstName", "lastName", "company", "address1", "address2", "city", "provinceCode", "zip", "countryCode", "phone"]) {
    const value = input[key];
    if (value !== void 0) out[key] = blankToNull(value);
  }
  return out;
}
function consent2(input, now) {
  return { state: input.state, optInLevel: input.optInLevel ?? (input.state === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null), updatedAt: input.updatedAt ?? now };
}
function hasContact(customer) {
  return Boolean(customer.firstName || customer.lastName || customer.email || customer.phone);
}
function blankToNull(value) {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
function unescape(value) {
  return value.replace(/\\(.)/g, "$1");
}
function notFound() {
  return failed(["id"], "Customer does not exist");
}
function failed(field, message, code) {
  return { ok: false, userErrors: [{ field, message, ...code ? { code } : {} }] };
}

// connectors/shopify/fake/webhook-payloads.ts
import { randomUUID as randomUUID3 } from "node:crypto";
function messagesFor(change, occurredAt) {
  const { before, after } = change;
  if (!after) return before ? [{ topic: "customers/delete", body: deleteBody(before) }] : [];
  const messages = [{ topic: before ? "customers/update" : "customers/create", body: toWebhookCustomerJson(after) }];
  const added = after.tags.filter((tag) => !before?.tags.includes(tag));
  const removed = (before?.tags ?? []).filter((tag) => !after.tags.includes(tag));
  if (added.length > 0) messages.push({ topic: "customer.tags_added", body: tagsBody(after, added, occurredAt) });
  if (removed.length > 0) messages.push({ topic: "customer.tags_removed", body: tagsBody(after, removed, occurredAt) });
  if (consentChanged(before, after, "email")) messages.push({ topic: "customers_email_marketing_consent/update", body: emailConsentBody(after) });
  if (consentChanged(before, after, "sms")) messages.push({ topic: "customers_marketing_consent/update", body: smsConsentBody(after) });
  return messages;
}
function redactBody(customer, shopId, shopDomain) {
  return json({
    shop_id: shopId,
    shop_domain: shopDomain,
    customer: { id: customer.id, email: customer.email, phone: customer.phone },
    orders_to_redact: []
  });
}
function mergeBody(keptId, deletedId) {
  return json({
    admin_graphql_api_customer_kept_id: `gid://shopify/Customer/${keptId}`,
    admin_graphql_api_customer_deleted_id: `gid://shopify/Customer/${deletedId}`,
    admin_graphql_api_job_id: `gid://shopify/Job/${randomUUID3()}`,
    status: "completed",
    errors: []
  });
}
function deleteBody(customer) {
  return json({ id: customer.id, tax_exemptions: [], admin_graphql_api_id: `gid://shopify/Customer/${customer.id}` });
}
function tagsBody(customer, tags, occurredAt) {
  return json({ customerId: `gid://shopify/Customer/${customer.id}`, tags, occurredAt: occurredAt.toISOString() });
}
function emailConsentBody(customer) {
  return json({
    customer_id: customer.id,
    email_address: customer.email,
    email_marketing_consent: customer.email ? restConsent(customer.emailMarketing) : { state: null, opt_in_level: null, consent_updated_at: null }
  });
}
function smsConsentBody(customer) {
  const consent3 = customer.phone ? restConsent(customer.smsMarketing) : { state: null, opt_in_level: null, consent_updated_at: null };
  return json({ id: customer.id, phone: customer.phone, sms_marketing_consent: { ...consent3, consent_collected_from: "other" } });
}
function consentChanged(before, after, channel) {
  const contact = (customer) => (channel === "email" ? customer?.email : customer?.phone) ?? null;
  const consent3 = (customer) => {
    if (!customer || !contact(customer)) return "none";
    const value = channel === "email" ? customer.emailMarketing : customer.smsMarketing;
    return `${value.state}/${value.optInLevel ?? ""}`;
  };
  if (!before) return consent3(after) !== "none" && !consent3(after).startsWith("NOT_SUBSCRIBED/");
  return consent3(before) !== consent3(after) || contact(before) === null !== (contact(after) === null);
}

// connectors/shopify/fake/server.ts
var SANDBOX_SEARCH_LAG_MS = 1500;
var HOUR2 = 36e5;
var SHOPIFY_RETRY_SCHEDULE = {
  retries: 8,
  delayMs: exponentialBackoff({ retries: 8, overMs: 4 * HOUR2 }),
  retriesOn: () => true,
  timeoutMs: 5e3
};
async function startShopifyFake(options) {
  const apiVersion = options.apiVersion ?? "2025-10";
  const shop = options.shop ?? "omnihub-sandbox";
  const shopDomain = `${shop}.myshopify.com`;
  const shopId = options.shopId ?? 548380009n;
  const clock = options.now ?? (() => /* @__PURE__ */ new Date());
  const state = new ShopifyFakeState(clock, options.defaultCountry ?? "US", options.searchLagMs ?? 0);
  const webhooks = new WebhookSender(options.webhookUrl, { retrySchedule: SHOPIFY_RETRY_SCHEDULE });
  const saved = options.persistPath ? loadState(options.persistPath) : void 0;
  if (saved) state.restore(saved);
  else if (options.seed) {
    for (const input of SHOPIFY_SEED_CUSTOMERS) unwrap(sandboxCreate(state, SandboxCustomerInputSchema.parse(input)));
  }
  const persistence = options.persistPath ? persistState(state, options.persistPath) : void 0;
  persistence?.flush();
  const pending = /* @__PURE__ */ new Map();
  state.onChange(({ before, after }) => {
    const id = (after ?? before).id;
    const earlier = pending.get(id);
    pending.set(id, { before: earlier ? earlier.before : before, after });
  });
  function sendWebhook(topic, body, eventId) {
    webhooks.send(body, {
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": createHmac2("sha256", options.webhookSecret).update(body, "utf8").digest("base64"),
      "X-Shopify-Shop-Domain": shopDomain,
      "X-Shopify-API-Version": apiVersion,
      "X-Shopify-Webhook-Id": randomUUID4(),
      "X-Shopify-Triggered-At": `${clock().toISOString().slice(0, 23)}000Z`,
      "X-Shopify-Event-Id": eventId
    });
  }
  function flush(extra = []) {
    const eventId = randomUUID4();
    for (const message of extra) sendWebhook(message.topic, message.body, eventId);
    for (const change of pending.values()) {
      for (const message of messagesFor(change, clock())) sendWebhook(message.topic, message.body, eventId);
    }
    pending.clear();
  }
  const apiFaults = new ApiFaultInjector();
  const endpoint = createGraphqlEndpoint({
    faults: apiFaults,
    accessToken: options.accessToken,
    bucket: new CostBucket(options.throttle?.maximumAvailable ?? 2e3, options.throttle?.restoreRate ?? 100),
    rootValue: createRootValue(state),
    afterExecute: () => flush()
  });
  const asSandboxCustomer = (customer) => toRestCustomer(customer, (id) => id.toString());
  const admin = {
    createCustomer(input) {
      const customer = unwrap(sandboxCreate(state, SandboxCustomerInputSchema.parse(input)));
      flush();
      return asSandboxCustomer(customer);
    },
    updateCustomer(id, input) {
      const result = sandboxUpdate(state, parseId(id), SandboxCustomerInputSchema.parse(input));
      flush();
      return asSandboxCustomer(unwrap(result));
    },
    getCustomer(id) {
      const customer = state.get(parseId(id));
      return customer ? asSandboxCustomer(customer) : void 0;
    },
    listCustomers: () => state.list().map(asSandboxCustomer),
    deleteCustomer(id) {
      unwrap(state.deleteCustomer(parseId(id)));
      flush();
    },
    redactCustomer(id) {
      const customer = unwrap(state.deleteCustomer(parseId(id)));
      pending.delete(customer.id);
      flush([{ topic: "customers/redact", body: redactBody(customer, shopId, shopDomain) }]);
    },
    mergeCustomers(oneId, twoId, mergeOptions) {
      const merged = unwrap(state.mergeCustomers(parseId(oneId), parseId(twoId), mergeOptions?.keep ? parseId(mergeOptions.keep) : void 0));
      pending.delete(merged.deletedId);
      flush([{ topic: "customers/merge", body: mergeBody(merged.kept.id, merged.deletedId) }]);
      return { keptId: merged.kept.id.toString(), deletedId: merged.deletedId.toString() };
    },
    setTags(id, tags) {
      return admin.updateCustomer(id, { tags });
    },
    setEmailConsent(id, consentState) {
      return admin.updateCustomer(id, { email_marketing_consent: { state: consentState } });
    },
    setSmsConsent(id, consentState) {
      return admin.updateCustomer(id, { sms_marketing_consent: { state: consentState } });
    }
  };
  function handleSandbox(request) {
    if (request.path === "/_sandbox/requests" && request.method === "GET") {
      return {
        status: 200,
        body: { requests: server.requests.map(({ method, path: path8, status, at }) => ({ method, path: path8, status, at })), graphql: endpoint.calls }
      };
    }
    if (request.path === "/_sandbox/customers/merge" && request.method === "POST") {
      const ids = request.json;
      const one = typeof ids?.customer_one_id === "string" ? ids.customer_one_id : void 0;
      const two = typeof ids?.customer_two_id === "string" ? ids.customer_two_id : void 0;
      if (!one || !two || !/^\d{1,20}$/.test(one) || !/^\d{1,20}$/.test(two)) {
        return { status: 400, body: { errors: "customer_one_id and customer_two_id (digit strings) are required" } };
      }
      const merge = state.mergeKeeps(BigInt(one), BigInt(two));
      if (merge === void 0) return { status: 422, body: { errors: "Customers cannot be merged" } };
      return { status: 200, body: admin.mergeCustomers(one, two) };
    }
    const match = /^\/_sandbox\/customers(?:\/(\d{1,20}))?(\/redact)?(?:\.json)?$/.exec(request.path);
    if (!match) return { status: 404, body: { errors: "Not Found" } };
    const id = match[1] === void 0 ? void 0 : BigInt(match[1]);
    const customer = id === void 0 ? void 0 : state.get(id);
    if (match[2]) {
      if (request.method !== "POST") return { status: 405, body: { errors: "Method Not Allowed" } };
      if (!customer) return { status: 404, body: { errors: "Not Found" } };
      admin.redactCustomer(customer.id.toString());
      return { status: 200, body: {} };
    }
    if (request.method === "GET" && id === void 0) {
      return { status: 200, body: restJson({ customers: state.list().map((each) => toRestCustomer(each, (value) => value)) }) };
    }
    if (request.method === "GET") {
      return customer ? { status: 200, body: restJson({ customer: toRestCustomer(customer, (value) => value) }) } : { status: 404, body: { errors: "Not Found" } };
    }
    if (request.method === "DELETE" && id !== void 0) {
      if (!customer) return { status: 404, body: { errors: "Not Found" } };
      admin.deleteCustomer(customer.id.toString());
      return { status: 200, body: {} };
    }
    if (request.method === "POST" && id === void 0 || (request.method === "PATCH" || request.method === "PUT") && id !== void 0) {
      const input = SandboxRequestBodySchema.safeParse(request.json);
      if (!input.success) return { status: 400, body: { errors: input.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) } };
      const fields = sandboxFields(input.data);
      const result = id === void 0 ? sandboxCreate(state, fields) : sandboxUpdate(state, id, fields);
      flush();
      if (!result.ok) {
        const notFound2 = result.userErrors.some((error) => error.message === "Customer does not exist");
        return notFound2 ? { status: 404, body: { errors: "Not Found" } } : { status: 422, body: { errors: restErrors(result.userErrors) } };
      }
      return { status: id === void 0 ? 201 : 200, body: restJson({ customer: toRestCustomer(result.value, (value) => value) }) };
    }
    return { status: 405, body: { errors: "Method Not Allowed" } };
  }
  const server = new FakeHttpServer((request) => {
    const graphql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(request.path);
    if (graphql?.[1] && request.method === "POST") return endpoint.handle(request, graphql[1]);
    if (request.path.startsWith("/_sandbox/")) return handleSandbox(request);
    return { status: 404, body: { errors: "Not Found" } };
  });
  const baseUrl = await server.listen(options.port ?? 0);
  return {
    baseUrl,
    shop,
    shopDomain,
    apiVersion,
    state,
    requests: server.requests,
    calls: endpoint.calls,
    writes: () => endpoint.calls.filter((call) => call.outcome === "executed" && call.kind === "mutation"),
    reads: () => endpoint.calls.filter((call) => call.outcome === "executed" && call.kind === "query"),
    webhooks,
    admin,
    failNext(count, failure = { status: 429, retryAfter: "0.2" }) {
      endpoint.failNext(count, failure);
    },
    apiFaults,
    setWebhookUrl(url) {
      webhooks.targetUrl = url;
    },
    async close() {
      persistence?.flush();
      await webhooks.idle();
      await server.close();
    }
  };
}
function sandboxCreate(state, fields) {
  return state.createCustomer(toCreateInput(fields));
}
function sandboxUpdate(state, id, fields) {
  let result = state.updateCustomer(id, toFieldsInput(fields));
  if (!result.ok) return result;
  const address = fields.default_address;
  const defaultAddressId = result.value.defaultAddressId;
  if (address === null && defaultAddressId !== null) {
    result = state.deleteAddress(id, defaultAddressId);
  } else if (address) {
    const written = defaultAddressId === null ? state.addAddress(id, toAddressInput(address), true) : state.updateAddress(id, defaultAddressId, toAddressInput(address), true);
    result = written.ok ? { ok: true, value: written.value.customer } : written;
  }
  if (result.ok && fields.email_marketing_consent) result = state.setEmailMarketing(id, toConsent(fields.email_marketing_consent));
  if (result.ok && fields.sms_marketing_consent) result = state.setSmsMarketing(id, toConsent(fields.sms_marketing_consent));
  return result;
}
function unwrap(result) {
  if (result.ok) return result.value;
  throw new Error(`Shopify fake refused the change: ${result.userErrors.map((error) => error.message).join("; ")}`);
}
function parseId(id) {
  if (!/^\d{1,20}$/.test(id)) throw new Error(`not a Shopify customer id: ${id}`);
  return BigInt(id);
}
function restErrors(userErrors) {
  const errors = {};
  for (const error of userErrors) {
    const field = error.field?.[error.field.length - 1] ?? "base";
    const message = error.message.toLowerCase().startsWith(field.toLowerCase()) ? error.message.slice(field.length).trim() : error.message;
    (errors[field] ??= []).push(message);
  }
  return errors;
}
function restJson(value) {
  return stringify2(value) ?? "null";
}

// connectors/sandboxes.ts
var sandboxes = {
  async shopify({ port: port2, seed, now, persistPath }) {
    const secret = { accessToken: "shpat_sandbox" };
    const webhookSecret = { webhookSecret: "sandbox-shopify-webhook-secret" };
    const fake = await startShopifyFake({ port: port2, seed, now, persistPath, searchLagMs: SANDBOX_SEARCH_LAG_MS, ...secret, ...webhookSecret });
    return {
      baseUrl: fake.baseUrl,
      secret,
      webhookSecret,
      config: { shop: fake.shop, apiVersion: fake.apiVersion },
      setWebhookUrl: (url) => fake.setWebhookUrl(url),
      idle: () => fake.webhooks.idle(),
      close: () => fake.close(),
      help: () => [
        `list:  curl ${fake.baseUrl}/_sandbox/customers`,
        `edit:  curl -X PATCH ${fake.baseUrl}/_sandbox/customers/<id> -H 'content-type: application/json' -d '{"first_name":"Augusta"}'`,
        `delete: curl -X DELETE ${fake.baseUrl}/_sandbox/customers/<id>      requests: curl ${fake.baseUrl}/_sandbox/requests`
      ]
    };
  },
  async hubspot({ port: port2, seed, now, persistPath }) {
    const secret = { accessToken: "pat-sandbox" };
    const webhookSecret = { clientSecret: "sandbox-hubspot-client-secret" };
    const fake = await startHubspotFake({ port: port2, seed, now, persistPath, ...secret, ...webhookSecret });
    return {
      baseUrl: fake.baseUrl,
      secret,
      webhookSecret,
      config: {},
      setWebhookUrl: (url) => {
        fake.webhooks.targetUrl = url;
      },
      idle: () => fake.webhooks.idle(),
      close: () => fake.close(),
      help: () => [
        `list:  curl ${fake.baseUrl}/_sandbox/contacts`,
        `edit:  curl -X PATCH ${fake.baseUrl}/_sandbox/contacts/<id> -H 'content-type: application/json' -d '{"properties":{"lastname":"King"}}'`,
        `delete: curl -X DELETE ${fake.baseUrl}/_sandbox/contacts/<id>      requests: curl ${fake.baseUrl}/_sandbox/requests`
      ]
    };
  }
};

// infra/config.ts
import { z as z10 } from "zod";

// connectors/hubspot/manifest.ts
import { z as z8 } from "zod";
var HubspotConfigSchema = z8.strictObject({
  /** Contacts per batch-read call (HubSpot allows 100, but 50 with property history: the client reads at most 50). */
  batchSize: z8.number().int().min(1).max(100).default(100)
});
var HubspotSecretSchema = z8.object({
  /** Private app access token (pat-...), scopes crm.objects.contacts.read and .write. */
  accessToken: z8.string().min(1)
});
var HubspotWebhookSecretSchema = z8.object({
  /** The app's client secret: HubSpot signs webhooks with it (X-HubSpot-Signature-v3). */
  clientSecret: z8.string().min(1)
});
var hubspotManifest = {
  id: "hubspot",
  displayName: "HubSpot",
  configSchema: HubspotConfigSchema,
  secretSchema: HubspotSecretSchema,
  webhookSecretSchema: HubspotWebhookSecretSchema,
  // Marketing consent is read-only through the contacts API (it needs the subscriptions API); tags have no standard property.
  writableFields: ["email", "phone", "firstName", "lastName", "address"],
  // One street line: no line2 (see mapping.ts).
  addressParts: ["line1", "city", "region", "postalCode", "country"],
  hydrates: true,
  // HubSpot retries up to 10 times over about 24 hours.
  dedupeTtlSeconds: 48 * 3600,
  localEnv: {
    secret: { accessToken: "HUBSPOT_ACCESS_TOKEN" },
    webhookSecret: { clientSecret: "HUBSPOT_CLIENT_SECRET" },
    config: {}
  },
  exampleConfig: { enabled: true, batchSize: 100 }
};

// connectors/shopify/manifest.ts
import { z as z9 } from "zod";
var ShopifyConfigSchema = z9.strictObject({
  /** The shop's myshopify.com subdomain: "my-shop" for my-shop.myshopify.com. */
  shop: z9.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'the subdomain of <shop>.myshopify.com, e.g. "my-shop"'),
  /** Admin API version (GraphQL), e.g. "2025-10". */
  apiVersion: z9.string().regex(/^\d{4}-(01|04|07|10)$/, 'a Shopify API version such as "2025-10"').default("2025-10")
});
var ShopifySecretSchema = z9.object({
  /** Admin API access token of the custom app (shpat_...). */
  accessToken: z9.string().min(1)
});
var ShopifyWebhookSecretSchema = z9.object({
  /** The app's API secret key: Shopify signs webhooks with it (X-Shopify-Hmac-Sha256). */
  webhookSecret: z9.string().min(1)
});
var shopifyManifest = {
  id: "shopify",
  displayName: "Shopify",
  configSchema: ShopifyConfigSchema,
  secretSchema: ShopifySecretSchema,
  webhookSecretSchema: ShopifyWebhookSecretSchema,
  writableFields: ["email", "phone", "firstName", "lastName", "address", "tags", "emailConsent", "smsConsent"],
  // customer.tags_added / tags_removed carry a delta, not the tags: the connector reads the customer.
  hydrates: true,
  // Shopify retries a delivery 8 times over 4 hours; keep delivery ids a day.
  dedupeTtlSeconds: 24 * 3600,
  localEnv: {
    secret: { accessToken: "SHOPIFY_ACCESS_TOKEN" },
    webhookSecret: { webhookSecret: "SHOPIFY_WEBHOOK_SECRET" },
    config: { shop: "SHOPIFY_SHOP" }
  },
  exampleConfig: { enabled: true, shop: "my-shop", apiVersion: "2025-10" }
};

// connectors/manifests.ts
var manifests = [shopifyManifest, hubspotManifest];
function hydrateBatchSize(settings) {
  return typeof settings.batchSize === "number" ? settings.batchSize : void 0;
}

// core/errors.ts
var OmnihubError = class extends Error {
  constructor(code, message, options = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.options = options;
    this.name = new.target.name;
  }
  code;
  options;
  get retryable() {
    return this.options.retryable ?? false;
  }
  get metadata() {
    return this.options.metadata ?? {};
  }
};
var ConfigError = class extends OmnihubError {
  constructor(message) {
    super("CONFIG.INVALID", message);
  }
};

// infra/config.ts
var LOG_RETENTION_DAYS = [
  1,
  3,
  5,
  7,
  14,
  30,
  60,
  90,
  120,
  150,
  180,
  365,
  400,
  545,
  731,
  1096,
  1827,
  2192,
  2557,
  2922,
  3288,
  3653
];
var ALARM_EMAIL_EXPECTED = 'an email address, e.g. "ops@example.com"';
function connectorSectionSchema(keys) {
  return keys.partial().extend({ enabled: z10.boolean() }).pipe(
    z10.discriminatedUnion("enabled", [
      keys.extend({ enabled: z10.literal(true) }),
      keys.partial().extend({ enabled: z10.literal(false) })
    ])
  );
}
var ConnectorsSchema = z10.strictObject(
  Object.fromEntries(manifests.map((m) => [m.id, connectorSectionSchema(m.configSchema).optional()]))
);
var OmnihubConfigSchema = z10.strictObject({
  /** Country used to read phone numbers without a country code (functions' DEFAULT_COUNTRY). */
  defaultCountry: z10.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code in capitals, e.g. "US"').default("US"),
  /** Lambda application log level (advanced logging controls; Powertools reads it). */
  logLevel: z10.enum(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]).default("INFO"),
  /** What happens to the identity table, connector secrets and log groups when the stack is deleted. */
  removalPolicy: z10.enum(["retain", "destroy"]).default("retain"),
  /** Retention of every log group (functions and API access log). */
  logRetentionDays: z10.literal(LOG_RETENTION_DAYS).default(30),
  /** Stage-wide throttle of the webhook API: requests per second and burst. Vendors retry on 429. */
  webhookThrottle: z10.strictObject({
    rate: z10.number().int().min(1).max(1e4).default(100),
    burst: z10.number().int().min(1).max(5e3).default(200)
  }).default({ rate: 100, burst: 200 }),
  /** Days a parked event (it holds customer data) is kept before DynamoDB TTL removes it. */
  parkedRetentionDays: z10.number().int().min(1).max(365).default(14),
  /** Where the operations alarms (dead letters, parked events) are emailed. Absent: the topic has no subscriber. */
  alarmEmail: z10.email(ALARM_EMAIL_EXPECTED).optional(),
  connectors: ConnectorsSchema
});
function enabledConnectors(config) {
  return manifests.flatMap((manifest) => {
    const section = config.connectors[manifest.id];
    if (section?.enabled !== true) return [];
    const { enabled: _enabled, ...settings } = section;
    return [{ manifest, settings }];
  });
}
var exampleOmnihubContext = {
  defaultCountry: "US",
  logLevel: "INFO",
  removalPolicy: "retain",
  logRetentionDays: 30,
  webhookThrottle: { rate: 100, burst: 200 },
  parkedRetentionDays: 14,
  connectors: Object.fromEntries(manifests.map((m) => [m.id, m.exampleConfig]))
};
var optionalKeyFixes = {
  alarmEmail: '"alarmEmail": "ops@example.com" (or remove the key: the alarms are still created, without an email)'
};
function loadConfig(raw) {
  if (raw === void 0 || raw === null) {
    throw new ConfigError(
      `cdk.json has no "omnihub" context. Add it under "context" in cdk.json, for example:
  "omnihub": ${indent(JSON.stringify(exampleOmnihubContext, null, 2), "  ")}
Known connectors: ${knownConnectorIds()}. Set "enabled": false on the ones you do not use.`
    );
  }
  let input = raw;
  if (typeof raw === "string") {
    try {
      input = JSON.parse(raw);
    } catch {
      throw new ConfigError(
        `omnihub: found a string that is not JSON (${preview(raw)}); expected a JSON object, e.g. -c omnihub='${JSON.stringify(exampleOmnihubContext)}'`
      );
    }
  }
  const result = OmnihubConfigSchema.safeParse(input);
  const problems = result.success ? [] : result.error.issues.flatMap((issue) => describeIssue(issue, input));
  if (result.success && enabledConnectors(result.data).length === 0) {
    problems.push({
      key: "omnihub.connectors",
      found: 'no connector with "enabled": true',
      expected: `at least one enabled connector (known: ${knownConnectorIds()})`,
      fix: `"connectors": ${JSON.stringify(exampleOmnihubContext.connectors)}`
    });
  }
  if (problems.length > 0 || !result.success) {
    const lines = problems.map(
      (p) => `  - ${p.key}
      found:    ${p.found}
      expected: ${p.expected}
      fix:      ${p.fix}`
    );
    throw new ConfigError(
      `cdk.json context "omnihub" is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):
${lines.join("\n")}
Edit "context" > "omnihub" in cdk.json (or the value given with -c omnihub=...) and run the command again.`
    );
  }
  return result.data;
}
function describeIssue(issue, input) {
  const path8 = issue.path.map(String);
  const at = (p) => ["omnihub", ...p].join(".");
  if (issue.code === "unrecognized_keys") {
    const isConnectorList = path8.length === 1 && path8[0] === "connectors";
    const known = knownKeysAt(path8);
    return issue.keys.map((key) => {
      const suggestion = closest(key, known);
      return {
        key: at([...path8, key]),
        found: isConnectorList ? `an unknown connector "${key}"` : `an unknown key "${key}"`,
        expected: `${isConnectorList ? "one of the known connectors" : "one of the keys"}: ${known.join(", ")}`,
        fix: suggestion ? `rename "${key}" to "${suggestion}"` : `remove "${key}"`
      };
    });
  }
  const found = valueAt(input, path8);
  return [
    {
      key: at(path8),
      found: found === void 0 ? "nothing (the key is missing)" : preview(JSON.stringify(found)),
      expected: expectedText(issue),
      fix: exampleFix(path8)
    }
  ];
}
var TYPE_NAMES = {
  object: "an object { ... }",
  number: "a number",
  int: "a whole number",
  string: "a string",
  boolean: "true or false"
};
function expectedText(issue) {
  switch (issue.code) {
    case "invalid_type":
      return TYPE_NAMES[issue.expected] ?? `a value of type ${issue.expected}`;
    case "too_big":
      return issue.origin === "number" ? `a number ${issue.inclusive ? "\u2264" : "<"} ${issue.maximum}` : `at most ${issue.maximum} ${issue.origin === "string" ? "characters" : "items"}`;
    case "too_small":
      return issue.origin === "number" ? `a number ${issue.inclusive ? "\u2265" : ">"} ${issue.minimum}` : `at least ${issue.minimum} ${issue.origin === "string" ? "characters" : "items"}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      return issue.message.startsWith("Invalid") && "pattern" in issue ? `text matching ${issue.pattern}` : issue.message;
    case "invalid_union":
      return "discriminator" in issue && issue.discriminator === "enabled" ? "true or false" : issue.message;
    default:
      return issue.message;
  }
}
function exampleFix(path8) {
  const optionalFix = path8.length === 1 ? optionalKeyFixes[path8[0] ?? ""] : void 0;
  if (optionalFix) return optionalFix;
  for (let depth = path8.length; depth > 0; depth--) {
    const example = valueAt(exampleOmnihubContext, path8.slice(0, depth));
    if (example !== void 0) return `"${path8[depth - 1]}": ${JSON.stringify(example)}`;
  }
  return `"omnihub": ${JSON.stringify(exampleOmnihubContext)}`;
}
function knownKeysAt(path8) {
  if (path8.length === 0) return Object.keys(OmnihubConfigSchema.shape);
  if (path8.length === 1 && path8[0] === "connectors") return manifests.map((m) => m.id);
  if (path8.length === 2 && path8[0] === "connectors") {
    const manifest = manifests.find((m) => m.id === path8[1]);
    return manifest ? ["enabled", ...Object.keys(manifest.configSchema.shape)] : [];
  }
  const example = valueAt(exampleOmnihubContext, path8);
  return example !== null && typeof example === "object" ? Object.keys(example) : [];
}
function valueAt(root2, path8) {
  let current = root2;
  for (const key of path8) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return void 0;
    current = current[key];
  }
  return current;
}
function closest(word, candidates) {
  const lower = word.toLowerCase();
  let best;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
function knownConnectorIds() {
  return manifests.map((m) => m.id).join(", ");
}
function preview(text3) {
  return text3.length > 80 ? `${text3.slice(0, 77)}...` : text3;
}
function indent(text3, prefix) {
  return text3.replaceAll("\n", `
${prefix}`);
}

// bin/local-state.ts
import { readFile, writeFile, mkdir, rm } from "node:fs/promises";
import path2 from "node:path";
import { z as z11 } from "zod";
var LocalStateSchema = z11.object({
  dynamodbEndpoint: z11.url(),
  tableName: z11.string(),
  eventsEndpoint: z11.url(),
  webhookUrl: z11.url(),
  pid: z11.number()
});
var localStateFile = (root2) => process.env.OMNIHUB_STATE_FILE ?? path2.join(root2, ".omnihub", "local.json");
async function writeLocalState(root2, state) {
  await mkdir(path2.dirname(localStateFile(root2)), { recursive: true });
  await writeFile(localStateFile(root2), JSON.stringify(state, null, 2));
}
async function clearLocalState(root2) {
  await rm(localStateFile(root2), { force: true });
}

// local/bundle.ts
import { mkdir as mkdir2 } from "node:fs/promises";
import path4 from "node:path";
import { stop } from "esbuild";

// functions/catalog.ts
var functionEntries = {
  "webhook-receiver": "functions/webhook-receiver.ts",
  "identity-resolver": "functions/identity-resolver.ts",
  "connector-sync": "functions/connector-sync.ts"
};
var bundleSettings = {
  platform: "node",
  target: "node24",
  format: "esm",
  minify: true,
  sourcemap: true,
  // Some dependencies are CommonJS and call require(); ESM bundles need it provided.
  banner: "import { createRequire as __omnihubCreateRequire } from 'node:module'; const require = __omnihubCreateRequire(import.meta.url);",
  mainFields: ["module", "main"]
};
function connectorBundleDefine(connectorId) {
  return { "process.env.OMNIHUB_CONNECTOR_BUNDLE": JSON.stringify(connectorId) };
}

// local/bundle-cache.ts
import { createHash as createHash2 } from "node:crypto";
import { readFile as readFile2, rename, rm as rm2, stat, writeFile as writeFile2 } from "node:fs/promises";
import path3 from "node:path";
import { build, version as esbuildVersion } from "esbuild";
import { z as z12 } from "zod";
var CacheRecordSchema = z12.object({
  key: z12.string().length(64),
  /** Paths relative to absWorkingDir, as in esbuild's metafile. */
  inputs: z12.record(z12.string(), z12.string().length(64)),
  outputs: z12.record(z12.string(), z12.string().length(64))
});
function fileHasher() {
  const memo = /* @__PURE__ */ new Map();
  return (file) => {
    let hash = memo.get(file);
    if (!hash) {
      hash = readFile2(file).then(
        (bytes) => createHash2("sha256").update(bytes).digest("hex"),
        () => void 0
      );
      memo.set(file, hash);
    }
    return hash;
  };
}
async function buildCached(options, keyFiles2, hash = fileHasher()) {
  const recordFile = `${options.outfile}.inputs.json`;
  const key = await buildKey(options, keyFiles2, hash);
  const record = await readRecord(recordFile);
  if (record && record.key === key && await unchanged(options.absWorkingDir, record, hash)) {
    return { file: options.outfile, bytes: (await stat(options.outfile)).size, fromCache: true };
  }
  await rm2(recordFile, { force: true });
  const startedAt = Date.now();
  const result = await build({ ...options, metafile: true });
  const fresh = fileHasher();
  const digest = async (files) => Object.fromEntries(
    (await Promise.all(files.map(async (f) => [f, await fresh(path3.resolve(options.absWorkingDir, f))]))).filter(
      (entry) => entry[1] !== void 0
    )
  );
  const next = {
    key,
    // Only real files: esbuild can list virtual modules (a namespace prefix), which no edit can change.
    inputs: await digest(Object.keys(result.metafile.inputs)),
    outputs: await digest(Object.keys(result.metafile.outputs))
  };
  if (await editedSince(options.absWorkingDir, Object.keys(next.inputs), startedAt)) {
    return { file: options.outfile, bytes: (await stat(options.outfile)).size, fromCache: false };
  }
  const partial = `${recordFile}.${process.pid}.tmp`;
  await writeFile2(partial, JSON.stringify(next));
  await rename(partial, recordFile);
  return { file: options.outfile, bytes: (await stat(options.outfile)).size, fromCache: false };
}
async function editedSince(workingDir, files, startedAt) {
  const times = await Promise.all(files.map((f) => stat(path3.resolve(workingDir, f)).then((s) => s.mtimeMs, () => Infinity)));
  return times.some((t) => t >= startedAt);
}
async function buildKey(options, keyFiles2, hash) {
  const files = await Promise.all(keyFiles2.map(async (f) => [f, await hash(f) ?? "missing"]));
  return createHash2("sha256").update(JSON.stringify({ esbuildVersion, options, files })).digest("hex");
}
async function readRecord(file) {
  try {
    const parsed = CacheRecordSchema.safeParse(JSON.parse(await readFile2(file, "utf8")));
    return parsed.success ? parsed.data : void 0;
  } catch {
    return void 0;
  }
}
async function unchanged(workingDir, record, hash) {
  const expected = [...Object.entries(record.inputs), ...Object.entries(record.outputs)];
  if (Object.keys(record.outputs).length === 0) return false;
  const actual = await Promise.all(expected.map(([file]) => hash(path3.resolve(workingDir, file))));
  return expected.every(([, sha], i) => actual[i] === sha);
}

// local/bundle.ts
var keyFiles = (root2) => ["functions/catalog.ts", "local/bundle.ts", "local/bundle-cache.ts", "tsconfig.json", "package.json", "package-lock.json"].map((f) => path4.join(root2, f));
async function bundleFunctions(root2, outDir, connectorIds, hash = fileHasher()) {
  await mkdir2(outDir, { recursive: true });
  const jobs = [
    { name: "webhook-receiver", entry: functionEntries["webhook-receiver"], define: {} },
    { name: "identity-resolver", entry: functionEntries["identity-resolver"], define: {} },
    ...connectorIds.map((id) => ({ name: `sync-${id}`, entry: functionEntries["connector-sync"], define: connectorBundleDefine(id) }))
  ];
  const built = await Promise.all(
    jobs.map(async ({ name, entry, define }) => {
      const result = await buildCached(
        {
          absWorkingDir: root2,
          entryPoints: [path4.join(root2, entry)],
          outfile: path4.join(outDir, `${name}.mjs`),
          bundle: true,
          platform: bundleSettings.platform,
          target: bundleSettings.target,
          format: bundleSettings.format,
          minify: bundleSettings.minify,
          sourcemap: bundleSettings.sourcemap,
          banner: { js: bundleSettings.banner },
          mainFields: [...bundleSettings.mainFields],
          define,
          logLevel: "error"
        },
        keyFiles(root2),
        hash
      );
      return { name, ...result };
    })
  );
  return Object.fromEntries(built.map((b) => [b.name, b]));
}
async function bundleFunctionHost(root2, outDir, hash = fileHasher()) {
  await mkdir2(outDir, { recursive: true });
  const { file } = await buildCached(
    {
      absWorkingDir: root2,
      entryPoints: [path4.join(root2, "local/function-host.ts")],
      outfile: path4.join(outDir, "function-host.mjs"),
      bundle: true,
      platform: "node",
      target: "node24",
      format: "esm",
      logLevel: "error"
    },
    keyFiles(root2),
    hash
  );
  return file;
}
async function stopBundler() {
  await stop();
}

// local/dynamodb-local.ts
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer as createServer2 } from "node:net";
import path5 from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand
} from "@aws-sdk/client-dynamodb";
var SMALL_JVM_OPTIONS = ["-Xmx96m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"];
async function startDynamoDbLocal(options = {}) {
  const port2 = options.port ?? await freePort();
  const require2 = createRequire(import.meta.url);
  const emulatorDir = path5.join(path5.dirname(require2.resolve("amplify-dynamodb-simulator/package.json")), "emulator");
  const storage = options.dbPath ? ["-dbPath", path5.resolve(options.dbPath), "-sharedDb"] : ["-inMemory"];
  const java = process.env.JAVA_HOME ? path5.join(process.env.JAVA_HOME, "bin", "java") : "java";
  const child = spawn(
    java,
    [...options.jvmOptions ?? [], "-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", "-port", String(port2), ...storage, "-disableTelemetry"],
    { cwd: emulatorDir, stdio: ["ignore", "pipe", "pipe"] }
  );
  let output = "";
  child.stdout?.on("data", (d) => output += d.toString());
  child.stderr?.on("data", (d) => output += d.toString());
  const spawnError = new Promise((_, reject) => {
    child.once(
      "error",
      (error) => reject(new Error(`Could not start DynamoDB Local: ${error.message}. It needs Java 17 or newer on PATH (or JAVA_HOME).`))
    );
    child.once("exit", (code) => reject(new Error(`DynamoDB Local exited (code ${code}):
${output}`)));
  });
  const killChild = () => child.kill("SIGKILL");
  process.once("exit", killChild);
  const endpoint = `http://127.0.0.1:${port2}`;
  await Promise.race([waitUntilServing(endpoint), spawnError]);
  return {
    endpoint,
    stop: async () => {
      process.removeListener("exit", killChild);
      await stopChild(child);
    }
  };
}
async function createIdentityTable(endpoint, tableName) {
  const client = localClient(endpoint);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" }
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" }
        ]
      })
    );
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true } })
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
}
function localClient(endpoint) {
  return new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
}
async function waitUntilServing(endpoint) {
  const client = localClient(endpoint);
  const deadline = Date.now() + 3e4;
  try {
    for (; ; ) {
      try {
        await client.send(new DescribeTableCommand({ TableName: "omnihub-probe" }));
        return;
      } catch (error) {
        if (error.name === "ResourceNotFoundException") return;
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    client.destroy();
  }
}
async function stopChild(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3e3))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer2();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")));
    });
  });
}

// local/pretty-log.ts
var SHOWN = [
  "connector",
  "system",
  "externalId",
  "externalIds",
  "customerId",
  "matchedBy",
  "changedFields",
  "fields",
  "outcome",
  "reason",
  "items",
  "duplicates",
  "ignored",
  "code",
  "attempts",
  "version"
];
var LEVEL_MARK = { WARN: "!", ERROR: "x", CRITICAL: "x" };
function prettyLogLine(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry.message !== "string") return line;
  const time = typeof entry.timestamp === "string" ? entry.timestamp.slice(11, 19) : "";
  const level = LEVEL_MARK[String(entry.level)] ?? " ";
  const attrs = SHOWN.filter((k) => entry[k] !== void 0 && !(k === "outcome" && String(entry.message).includes(String(entry[k])))).map((k) => `${k}=${format(entry[k])}`).join(" ");
  const error = entry.error && typeof entry.error === "object" ? ` error=${format(entry.error.message)}` : "";
  const correlation = typeof entry.correlationId === "string" ? `  [${entry.correlationId.slice(0, 8)}]` : "";
  return `${time} ${level} ${String(entry.service ?? "").padEnd(18)} ${entry.message.padEnd(24)} ${attrs}${error}${correlation}`;
}
function format(value) {
  if (Array.isArray(value)) return value.join(",");
  if (value && typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// local/runtime.ts
import path6 from "node:path";

// core/events/index.ts
import { z as z17 } from "zod";

// core/model/customer.ts
import { z as z14 } from "zod";

// core/model/system.ts
import { z as z13 } from "zod";
var SystemIdSchema = z13.string().regex(/^[a-z][a-z0-9-]{1,30}$/, "a connector id is lower-case letters, digits and dashes");
var ExternalIdSchema = z13.string().min(1).max(200);
var TimestampSchema = z13.iso.datetime({ offset: true });

// core/model/customer.ts
var AddressSchema = z14.object({
  line1: z14.string().nullable().optional(),
  line2: z14.string().nullable().optional(),
  city: z14.string().nullable().optional(),
  region: z14.string().nullable().optional(),
  // province / state code when the source has one
  postalCode: z14.string().nullable().optional(),
  country: z14.string().nullable().optional()
  // ISO 3166-1 alpha-2 when the source has one
});
var ADDRESS_PARTS = Object.keys(AddressSchema.shape);
var ConsentStateSchema = z14.enum(["subscribed", "not_subscribed", "unsubscribed"]);
var FieldValuesSchema = z14.object({
  email: z14.string().nullable(),
  // normalized (lower-case)
  phone: z14.string().nullable(),
  // E.164
  firstName: z14.string().nullable(),
  lastName: z14.string().nullable(),
  address: AddressSchema.nullable(),
  // the default postal address
  emailConsent: ConsentStateSchema.nullable(),
  smsConsent: ConsentStateSchema.nullable(),
  tags: z14.array(z14.string()).nullable()
  // sorted, de-duplicated
});
var PartialFieldValuesSchema = FieldValuesSchema.partial();
var FIELD_NAMES = Object.keys(FieldValuesSchema.shape);
var FieldNameSchema = z14.enum(FIELD_NAMES);
var SourcedSchema = (value) => z14.object({
  value,
  source: SystemIdSchema,
  at: TimestampSchema
  // the source's own timestamp for this value
});
var GoldenFieldsSchema = z14.object({
  email: SourcedSchema(FieldValuesSchema.shape.email).optional(),
  phone: SourcedSchema(FieldValuesSchema.shape.phone).optional(),
  firstName: SourcedSchema(FieldValuesSchema.shape.firstName).optional(),
  lastName: SourcedSchema(FieldValuesSchema.shape.lastName).optional(),
  /** Parts merge one by one (docs/identity.md §5): each part keeps its own source and time. */
  address: SourcedSchema(FieldValuesSchema.shape.address).extend({ parts: z14.record(z14.string(), z14.object({ source: SystemIdSchema, at: TimestampSchema })).optional() }).optional(),
  emailConsent: SourcedSchema(FieldValuesSchema.shape.emailConsent).optional(),
  smsConsent: SourcedSchema(FieldValuesSchema.shape.smsConsent).optional(),
  tags: SourcedSchema(FieldValuesSchema.shape.tags).optional()
});
var HeldFieldSchema = z14.object({
  value: z14.unknown(),
  /** The source time of the value: when it was set, by this record's system or by the one we copied it from. */
  at: TimestampSchema,
  /**
   * The record's own clock when it last said it holds this value (an observation, or our write's
   * updated time). Deliveries older than this are late; the echo of our write is not newer.
   */
  seenAt: TimestampSchema.optional(),
  /**
   * For a value we wrote: the record's clock when we read it just before the write. A value the
   * record took after that and before our write landed (`raceFrom` < time < `seenAt`) is an edit
   * our write raced, not a late delivery: it still competes for the golden record.
   */
  raceFrom: TimestampSchema.optional(),
  /** For a value we wrote: what that read showed the record holding (an edit in the read's own second is new only if it differs). */
  readValue: z14.unknown().optional()
});
var LinkSchema = z14.object({
  system: SystemIdSchema,
  externalId: ExternalIdSchema,
  linkedAt: TimestampSchema,
  held: z14.partialRecord(FieldNameSchema, HeldFieldSchema),
  /** Optimistic-concurrency version of the link item (0 = not stored yet). */
  version: z14.number().int().nonnegative().default(0),
  /** Fields the record held a value for that could not be normalized, at its last observation. */
  unusable: z14.array(FieldNameSchema).optional(),
  /**
   * Values the system refused to hold for this record because another of its records holds
   * them (Shopify keeps phones unique; a shared family phone stays with its first owner).
   * Sync does not write a withheld value again until the golden value changes.
   */
  withheld: z14.partialRecord(FieldNameSchema, z14.unknown()).optional()
});
var PendingWriteSchema = z14.object({
  system: SystemIdSchema,
  /** The record updated; absent for a create (its id is not known before the vendor answers). */
  externalId: ExternalIdSchema.optional(),
  startedAt: TimestampSchema,
  values: z14.partialRecord(FieldNameSchema, z14.unknown()),
  sourceTimes: z14.partialRecord(FieldNameSchema, TimestampSchema)
});
var OmnihubIdSchema = z14.string().regex(/^oh_[0-9a-z]{26}$/, "an omnihub id looks like oh_ followed by 26 characters");
var CustomerSchema = z14.object({
  id: OmnihubIdSchema,
  version: z14.number().int().nonnegative(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  fields: GoldenFieldsSchema,
  /** Every normalized email and E.164 phone ever seen for this person: the match keys. */
  emails: z14.array(z14.string()),
  phones: z14.array(z14.string()),
  links: z14.array(LinkSchema),
  /** Writes of sync not recorded yet, from the lease items (never stored on the customer item). */
  pendingWrites: z14.array(PendingWriteSchema).optional()
});

// core/model/observation.ts
import { z as z15 } from "zod";
var ObservationSchema = z15.object({
  system: SystemIdSchema,
  externalId: ExternalIdSchema,
  observedAt: TimestampSchema,
  values: PartialFieldValuesSchema,
  fieldTimes: z15.partialRecord(FieldNameSchema, TimestampSchema).optional(),
  unusable: z15.array(FieldNameSchema).optional(),
  /**
   * A statement about some fields of a record we should already know (a HubSpot propertyChange
   * event's value): applied only to a linked record, never the basis of a new customer or link.
   */
  linkedOnly: z15.boolean().optional()
});

// core/events/envelope.ts
import { z as z16 } from "zod";
var EVENT_SOURCE = "omnihub";
var DetailBaseSchema = z16.object({
  schemaVersion: z16.literal(1),
  correlationId: z16.string().min(1).max(100)
});
var BusEnvelopeSchema = z16.object({
  version: z16.string().optional(),
  id: z16.string(),
  "detail-type": z16.string(),
  source: z16.literal(EVENT_SOURCE),
  account: z16.string().optional(),
  time: z16.string(),
  region: z16.string().optional(),
  resources: z16.array(z16.string()).optional(),
  detail: z16.unknown()
});

// core/events/index.ts
var CustomerObservedSchema = DetailBaseSchema.extend({
  observation: ObservationSchema
});
var CustomerReferencedSchema = DetailBaseSchema.extend({
  system: SystemIdSchema,
  externalId: ExternalIdSchema,
  occurredAt: TimestampSchema
});
var CustomerChangedSchema = DetailBaseSchema.extend({
  customerId: OmnihubIdSchema,
  customerVersion: z17.number().int().positive(),
  origin: SystemIdSchema,
  // the system whose observation caused the change
  changedFields: z17.array(FieldNameSchema).min(1)
});
var CustomerRecordRemovedSchema = DetailBaseSchema.extend({
  system: SystemIdSchema,
  externalId: ExternalIdSchema,
  reason: z17.enum(["deleted", "redacted"]),
  occurredAt: TimestampSchema
});
var CustomerRecordsMergedSchema = DetailBaseSchema.extend({
  system: SystemIdSchema,
  survivorId: ExternalIdSchema,
  mergedIds: z17.array(ExternalIdSchema).min(1),
  occurredAt: TimestampSchema
});

// core/routing.ts
var routes = [
  {
    name: "resolve-observations",
    eventType: "CustomerObserved",
    target: "identity-resolver",
    fanOut: "once"
  },
  {
    // Deletions, redactions and merges change links: the resolver owns links, as it owns customers.
    name: "resolve-removals",
    eventType: "CustomerRecordRemoved",
    target: "identity-resolver",
    fanOut: "once"
  },
  {
    name: "resolve-merges",
    eventType: "CustomerRecordsMerged",
    target: "identity-resolver",
    fanOut: "once"
  },
  {
    name: "hydrate-references",
    eventType: "CustomerReferenced",
    target: "connector-sync",
    fanOut: "per-connector",
    detailFilter: (connectorId) => ({ system: [connectorId] }),
    requires: "hydrate"
  },
  {
    // Every connector hears every change, its own system's too: a merge can bring that
    // system fields it lacks. plan-sync skips a target that already holds the values.
    name: "sync-changes",
    eventType: "CustomerChanged",
    target: "connector-sync",
    fanOut: "per-connector"
  }
];
function eventPattern(route, connectorId) {
  const pattern = { source: [EVENT_SOURCE], "detail-type": [route.eventType] };
  if (route.detailFilter) {
    if (!connectorId) throw new Error(`Route ${route.name} needs a connector id`);
    pattern.detail = route.detailFilter(connectorId);
  }
  return pattern;
}
function matchesPattern(pattern, event) {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((v) => expected.includes(v));
    }
    return actual !== null && typeof actual === "object" && matchesPattern(expected, actual);
  });
}
function routeBindings(enabled) {
  return routes.flatMap((route) => {
    if (route.fanOut === "once") return [{ route, pattern: eventPattern(route) }];
    return enabled.filter((c) => route.requires !== "hydrate" || c.hydrates).map((c) => ({ route, connectorId: c.id, pattern: eventPattern(route, c.id) }));
  });
}

// local/aws-endpoints.ts
import { randomUUID as randomUUID5 } from "node:crypto";
import { createServer as createServer3 } from "node:http";
async function startAwsEndpoints(options) {
  const region = options.region ?? "us-east-1";
  let putEventsFailures = 0;
  const server = createServer3((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      const send = (status, payload) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID5() });
        res.end(JSON.stringify(payload));
      };
      if (target === "AWSEvents.PutEvents") {
        const entries = body.Entries ?? [];
        if (putEventsFailures > 0) {
          putEventsFailures--;
          const failed2 = entries.map(() => ({ ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }));
          return send(200, { FailedEntryCount: entries.length, Entries: failed2 });
        }
        const results = entries.map((entry) => {
          const id = randomUUID5();
          options.onEvent({
            version: "0",
            id,
            "detail-type": entry.DetailType,
            source: entry.Source,
            account: "000000000000",
            time: (/* @__PURE__ */ new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
            region,
            resources: entry.Resources ?? [],
            detail: JSON.parse(entry.Detail ?? "{}")
          });
          return { EventId: id };
        });
        return send(200, { FailedEntryCount: 0, Entries: results });
      }
      if (target === "secretsmanager.GetSecretValue") {
        const id = String(body.SecretId);
        const value = options.secrets[id];
        if (value === void 0) {
          return send(400, { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." });
        }
        return send(200, { ARN: `arn:aws:secretsmanager:${region}:000000000000:secret:${id}`, Name: id, SecretString: value, VersionId: "local" });
      }
      send(400, { __type: "UnknownOperationException", message: `Not emulated locally: ${target}` });
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: port2 } = server.address();
  return {
    url: `http://127.0.0.1:${port2}`,
    failPutEvents: (count) => {
      putEventsFailures = count;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })
  };
}

// local/dynamodb-faults.ts
import { createServer as createServer4, request as httpRequest } from "node:http";
async function startDynamoDbFaults(target) {
  const upstream = new URL(target);
  const failing = /* @__PURE__ */ new Set();
  const failedCounts = /* @__PURE__ */ new Map();
  const server = createServer4((req, res) => {
    const operation = String(req.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
    if (failing.has(operation)) {
      req.resume();
      req.on("end", () => {
        failedCounts.set(operation, (failedCounts.get(operation) ?? 0) + 1);
        res.writeHead(500, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "local-fault" });
        res.end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "Internal server error" }));
      });
      return;
    }
    const forward = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      }
    );
    forward.on("error", (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: port2 } = server.address();
  return {
    url: `http://127.0.0.1:${port2}`,
    fail(operation) {
      failing.add(operation);
      return () => failing.delete(operation);
    },
    failed: (operation) => failedCounts.get(operation) ?? 0,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })
  };
}

// local/local-bus.ts
var LocalBus = class {
  rules = [];
  unmatched = [];
  /** Every event put on the bus, in order (what tests assert on). */
  published = [];
  addRule(name, pattern, queue) {
    this.rules.push({ name, pattern, queue });
  }
  put(envelope) {
    this.published.push(envelope);
    const matching = this.rules.filter((rule) => matchesPattern(rule.pattern, envelope));
    if (matching.length === 0) this.unmatched.push(envelope);
    for (const rule of matching) rule.queue.send(JSON.stringify(envelope));
  }
};

// local/local-function.ts
import { Worker } from "node:worker_threads";
import { createInterface } from "node:readline";
var LocalFunction = class {
  constructor(name, options) {
    this.name = name;
    this.options = options;
  }
  name;
  options;
  initMs = [];
  /** Running totals over every invocation: what the benchmark reports per update. */
  totals = { invocations: 0, errors: 0, durationMs: 0, readUnits: 0, writeUnits: 0, crashes: 0 };
  slots = [];
  waiting = [];
  pending = /* @__PURE__ */ new Map();
  nextId = 1;
  async start() {
    for (let i = 0; i < this.options.poolSize; i++) await this.spawn();
  }
  get capacity() {
    return this.options.poolSize;
  }
  get idleSlots() {
    return this.slots.filter((s) => !s.busy).length;
  }
  async invoke(event) {
    const slot = await this.acquire();
    try {
      const id = this.nextId++;
      const done = new Promise((resolve) => this.pending.set(id, resolve));
      slot.running = id;
      slot.worker.postMessage({ id, event });
      const outcome = await done;
      this.totals.invocations++;
      if (outcome.error) this.totals.errors++;
      this.totals.durationMs += outcome.durationMs;
      this.totals.readUnits += outcome.capacity?.readUnits ?? 0;
      this.totals.writeUnits += outcome.capacity?.writeUnits ?? 0;
      return outcome;
    } finally {
      slot.running = void 0;
      this.release(slot);
    }
  }
  /**
   * Crashes invocation `id` as a Lambda execution environment dies mid-invocation: the worker
   * is terminated (nothing after this point runs, no result is returned), the invocation
   * fails with Runtime.ExitError (so an SQS batch becomes visible again after its visibility
   * delay and is redelivered), and a fresh worker (a cold start) takes the slot. Resolves
   * once the worker is dead; false when `id` is not running.
   */
  async crash(id) {
    const slot = this.slots.find((s) => s.running === id);
    const settle = this.pending.get(id);
    if (!slot || !settle) return false;
    this.pending.delete(id);
    this.totals.crashes++;
    await slot.worker.terminate();
    void this.createWorker().then(
      (worker) => {
        slot.worker = worker;
        settle({ error: { name: "Runtime.ExitError", message: `RequestId: local-${id} Error: Runtime exited (crash injected)` }, durationMs: 0 });
      },
      (error) => settle({ error: { name: "Runtime.InitError", message: String(error) }, durationMs: 0 })
    );
    return true;
  }
  /** V8 heap in use across this function's workers, in bytes. */
  async heapUsed() {
    const stats = await Promise.all(this.slots.map((s) => s.worker.getHeapStatistics()));
    return stats.reduce((sum, h) => sum + h.used_heap_size, 0);
  }
  async stop() {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
  async spawn() {
    this.slots.push({ worker: await this.createWorker(), busy: false });
  }
  async createWorker() {
    const worker = new Worker(this.options.hostFile, {
      workerData: { bundle: this.options.bundle, functionName: this.name, timeoutMs: this.options.timeoutMs, invocationHeader: this.options.invocationHeader },
      env: { ...process.env, ...this.options.env },
      // punycode and url.parse (inside a vendor SDK's HTTP stack) warn on every start; not ours to fix.
      execArgv: [...withoutTsx(process.execArgv), "--disable-warning=DEP0040", "--disable-warning=DEP0169"],
      stdout: true,
      stderr: true
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      createInterface({ input: stream }).on("line", (line) => this.options.onLog(line, this.name));
    }
    await new Promise((resolve, reject) => {
      worker.on("message", (message) => {
        if (message.kind === "ready") {
          this.initMs.push(message.initMs ?? 0);
          resolve();
          return;
        }
        const settle = this.pending.get(message.id ?? -1);
        this.pending.delete(message.id ?? -1);
        settle?.({ result: message.result, error: message.error, durationMs: message.durationMs, capacity: message.capacity });
      });
      worker.once("error", (error) => reject(new Error(`${this.name} failed to start: ${error.message}`)));
    });
    return worker;
  }
  acquire() {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(slot) {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }
};
function withoutTsx(execArgv) {
  const kept = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    const loadsModule = flag === "--import" || flag === "--require" || flag === "-r" || flag === "--loader" || flag === "--experimental-loader";
    const value = inline ?? (loadsModule ? execArgv[i + 1] : void 0);
    if (loadsModule && value !== void 0 && /(^|[\\/])tsx([\\/]|$)/.test(value)) {
      if (inline === void 0) i++;
      continue;
    }
    kept.push(arg);
  }
  return kept;
}

// local/local-queue.ts
import { randomUUID as randomUUID6 } from "node:crypto";
var LocalQueue = class {
  constructor(name, fn, options) {
    this.name = name;
    this.fn = fn;
    this.options = options;
  }
  name;
  fn;
  options;
  deadLetters = [];
  messages = [];
  inFlight = 0;
  batchesInFlight = 0;
  timer;
  idleWaiters = [];
  send(body) {
    const now = Date.now();
    this.messages.push({ messageId: randomUUID6(), body, receiveCount: 0, availableAt: now, firstSentAt: now });
    this.schedule(this.options.batchWindowMs);
  }
  get depth() {
    return this.messages.length + this.inFlight;
  }
  /** Resolves when the queue has no message waiting or being processed. */
  idle() {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
  schedule(delayMs) {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = void 0;
      this.pump();
    }, delayMs);
  }
  pump() {
    const now = Date.now();
    while (this.batchesInFlight < this.fn.capacity) {
      const ready = this.messages.filter((m) => m.availableAt <= now).slice(0, this.options.batchSize);
      if (ready.length === 0) break;
      this.messages = this.messages.filter((m) => !ready.includes(m));
      this.inFlight += ready.length;
      this.batchesInFlight++;
      void this.deliver(ready).finally(() => {
        this.inFlight -= ready.length;
        this.batchesInFlight--;
        this.pump();
        this.notifyIfIdle();
      });
    }
    const next = Math.min(...this.messages.map((m) => m.availableAt));
    if (Number.isFinite(next)) this.schedule(Math.max(0, next - Date.now()));
  }
  async deliver(batch) {
    for (const m of batch) m.receiveCount++;
    const event = { Records: batch.map((m) => this.toRecord(m)) };
    const outcome = await this.fn.invoke(event);
    const failedIds = outcome.error ? new Set(batch.map((m) => m.messageId)) : new Set((outcome.result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    const reason = outcome.error ? `${outcome.error.name}: ${outcome.error.message}` : "reported as batch item failure";
    for (const m of batch) {
      if (!failedIds.has(m.messageId)) continue;
      if (m.receiveCount >= this.options.maxReceiveCount) {
        this.deadLetters.push({ queue: this.name, messageId: m.messageId, body: m.body, reason });
      } else {
        m.availableAt = Date.now() + this.options.visibilityDelayMs * m.receiveCount;
        this.messages.push(m);
      }
    }
  }
  toRecord(m) {
    return {
      messageId: m.messageId,
      receiptHandle: `${m.messageId}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.firstSentAt),
        SenderId: "AIDAEVENTBRIDGE",
        ApproximateFirstReceiveTimestamp: String(m.firstSentAt)
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${this.name}`,
      awsRegion: "us-east-1"
    };
  }
  notifyIfIdle() {
    if (this.depth > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
};

// local/webhook-server.ts
import { randomUUID as randomUUID7 } from "node:crypto";
import { createServer as createServer5 } from "node:http";
async function startWebhookServer(options) {
  const host = options.host ?? "127.0.0.1";
  const server = createServer5((req, res) => {
    void (async () => {
      const started = performance.now();
      const rawBody = await readBody(req);
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? host}`);
      const match = /^\/webhooks\/([a-z0-9-]+)$/.exec(url.pathname);
      if (req.method !== "POST" || !match || !options.connectors.includes(match[1])) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "Not Found" }));
        return;
      }
      const event = toHttpApiEvent(req, url, rawBody, match[1]);
      const outcome = await options.receiver.invoke(event);
      const result = outcome.result ?? {
        statusCode: 500,
        body: JSON.stringify({ message: "Internal Server Error" })
      };
      res.writeHead(result.statusCode ?? 200, { "content-type": "application/json", ...result.headers });
      res.end(result.body ?? "");
      options.onRequest?.({ connector: match[1], status: result.statusCode ?? 200, ms: performance.now() - started });
    })().catch((error) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: String(error) }));
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, resolve);
  });
  const { port: port2 } = server.address();
  return {
    url: `http://${host}:${port2}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })
  };
}
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
function toHttpApiEvent(req, url, rawBody, connector) {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== void 0) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  headers["x-forwarded-proto"] = "http";
  const contentType = headers["content-type"] ?? "";
  const isText = /json|text|x-www-form-urlencoded|xml/.test(contentType);
  const now = /* @__PURE__ */ new Date();
  return {
    version: "2.0",
    routeKey: `POST /webhooks/${connector}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ""),
    headers,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? url.host,
      domainPrefix: (headers.host ?? url.host).split(".")[0] ?? "local",
      http: { method: req.method ?? "POST", path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
      requestId: randomUUID7(),
      routeKey: `POST /webhooks/${connector}`,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime()
    },
    body: isText ? rawBody.toString("utf8") : rawBody.toString("base64"),
    isBase64Encoded: !isText
  };
}

// local/runtime.ts
async function startRuntime(options) {
  const buildDir = options.buildDir ?? path6.join(options.root, ".omnihub", "build");
  const [bundles, hostFile] = await Promise.all([bundleFunctions(options.root, buildDir, options.connectors.map((c) => c.id)), bundleFunctionHost(options.root, buildDir)]);
  const bus = new LocalBus();
  const webhookSecretIds = Object.fromEntries(options.connectors.map((c) => [c.id, `omnihub/${c.id}/webhook`]));
  const aws = await startAwsEndpoints({
    onEvent: (envelope) => bus.put(envelope),
    secrets: Object.fromEntries(
      options.connectors.flatMap((c) => [
        [`omnihub/${c.id}`, JSON.stringify(c.secret)],
        [`omnihub/${c.id}/webhook`, JSON.stringify(c.webhookSecret)]
      ])
    )
  });
  const receiverDynamoDb = await startDynamoDbFaults(options.dynamodbEndpoint);
  const commonEnv = {
    TABLE_NAME: options.tableName,
    EVENT_BUS_NAME: "omnihub",
    DEFAULT_COUNTRY: options.defaultCountry ?? "US",
    PARKED_RETENTION_DAYS: String(options.parkedRetentionDays ?? 14),
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamodbEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? "INFO"
  };
  const onLog = options.onLog ?? ((line) => process.stdout.write(`${line}
`));
  const poolSize = options.poolSize ?? 2;
  const makeFunction = (name, bundle, env) => new LocalFunction(name, { hostFile, bundle: bundle.file, env: { ...commonEnv, ...env }, poolSize, timeoutMs: 3e4, onLog, invocationHeader: options.invocationHeader });
  const functions = /* @__PURE__ */ new Map();
  functions.set("webhook-receiver", makeFunction("webhook-receiver", bundles["webhook-receiver"], {
    CONNECTOR_SECRETS: JSON.stringify(webhookSecretIds),
    AWS_ENDPOINT_URL_DYNAMODB: receiverDynamoDb.url
  }));
  functions.set("identity-resolver", makeFunction("identity-resolver", bundles["identity-resolver"], {}));
  for (const c of options.connectors) {
    functions.set(
      `sync-${c.id}`,
      makeFunction(`sync-${c.id}`, bundles[`sync-${c.id}`], {
        CONNECTOR_ID: c.id,
        CONNECTOR_CONFIG: JSON.stringify(c.config),
        CONNECTOR_SECRET: `omnihub/${c.id}`,
        ...c.baseUrl ? { CONNECTOR_BASE_URL: c.baseUrl } : {}
      })
    );
  }
  if (options.startFunctionsTogether) await Promise.all([...functions.values()].map((f) => f.start()));
  else for (const f of functions.values()) await f.start();
  const queueOptions = {
    batchSize: options.queue?.batchSize ?? 10,
    maxReceiveCount: options.queue?.maxReceiveCount ?? 5,
    visibilityDelayMs: options.queue?.visibilityDelayMs ?? 500,
    batchWindowMs: options.queue?.batchWindowMs ?? 5
  };
  const queues = [];
  for (const binding of routeBindings(options.connectors)) {
    const fnName = binding.route.target === "identity-resolver" ? "identity-resolver" : `sync-${binding.connectorId}`;
    const settings = options.connectors.find((c) => c.id === binding.connectorId)?.config;
    const batchSize = (binding.route.requires === "hydrate" && settings ? hydrateBatchSize(settings) : void 0) ?? queueOptions.batchSize;
    const queue = new LocalQueue(`${binding.route.name}${binding.connectorId ? `-${binding.connectorId}` : ""}`, functions.get(fnName), {
      ...queueOptions,
      batchSize
    });
    queues.push(queue);
    bus.addRule(queue.name, binding.pattern, queue);
  }
  await options.dynamodbReady;
  const server = await startWebhookServer({
    port: options.port ?? 0,
    receiver: functions.get("webhook-receiver"),
    connectors: options.connectors.map((c) => c.id),
    onRequest: options.onWebhook
  });
  return {
    url: server.url,
    eventsEndpoint: aws.url,
    webhookUrl: (id) => `${server.url}/webhooks/${id}`,
    functions,
    bundles,
    queues,
    bus,
    deadLetters: () => queues.flatMap((q) => q.deadLetters),
    faults: {
      failPutEvents: (count) => aws.failPutEvents(count),
      failReceiverDynamoDb: (operation) => receiverDynamoDb.fail(operation),
      async crashInvocation(tag) {
        const match = /^(.+)#(\d+)$/.exec(tag);
        const fn = match ? functions.get(match[1]) : void 0;
        return fn ? fn.crash(Number(match[2])) : false;
      }
    },
    async idle() {
      while (queues.some((q) => q.depth > 0)) await Promise.all(queues.map((q) => q.idle()));
    },
    async stop() {
      await server.close();
      await Promise.all([...functions.values()].map((f) => f.stop()));
      await Promise.all([aws.close(), receiverDynamoDb.close()]);
    }
  };
}

// local/start.ts
var root = path7.resolve(path7.dirname(fileURLToPath(import.meta.url)), "..");
var port = Number(process.env.PORT ?? 3e3);
var verbose = process.env.OMNIHUB_LOG === "json";
var dataDir = path7.resolve(process.env.OMNIHUB_DATA_DIR ?? path7.join(root, ".omnihub"));
async function main() {
  const { values: flags } = parseArgs({ options: { fresh: { type: "boolean", default: false } } });
  const cdkJson = JSON.parse(await readFile3(path7.join(root, "cdk.json"), "utf8"));
  const config = loadConfig(cdkJson.context?.omnihub);
  const enabled = enabledConnectors(config);
  const dbPath = path7.join(dataDir, "dynamodb");
  const sandboxDir = path7.join(dataDir, "sandboxes");
  if (flags.fresh) await Promise.all([rm3(dbPath, { recursive: true, force: true }), rm3(sandboxDir, { recursive: true, force: true })]);
  await Promise.all([mkdir3(dbPath, { recursive: true }), mkdir3(sandboxDir, { recursive: true })]);
  console.log(flags.fresh ? "Starting omnihub locally, from a clean slate (--fresh)..." : "Starting omnihub locally...");
  const tableName = "omnihub-local";
  const ddbPort = await freePort();
  const ddbStarting = startDynamoDbLocal({ dbPath, port: ddbPort, jvmOptions: SMALL_JVM_OPTIONS }).then(async (ddb2) => {
    await createIdentityTable(ddb2.endpoint, tableName);
    return ddb2;
  });
  ddbStarting.catch(() => void 0);
  const warnings = [];
  const started = await Promise.all(
    enabled.map(async ({ manifest, settings }, index) => {
      const real = realCredentials(manifest.localEnv);
      if (real) {
        if (real.missingWebhookVars.length > 0) {
          warnings.push(`${manifest.displayName} webhooks get 503 until ${real.missingWebhookVars.join(", ")} ${real.missingWebhookVars.length === 1 ? "is" : "are"} set`);
        }
        return {
          connector: { id: manifest.id, hydrates: manifest.hydrates, config: { ...settings, ...real.config }, secret: real.secret, webhookSecret: real.webhookSecret },
          running: { id: manifest.id, name: manifest.displayName }
        };
      }
      const start = sandboxes[manifest.id];
      if (!start) throw new Error(`No sandbox for ${manifest.id}; set ${Object.values(manifest.localEnv.secret).join(", ")} to use the real service`);
      const preferred = port + 1 + index;
      const options = { seed: true, persistPath: path7.join(sandboxDir, `${manifest.id}.json`) };
      const sandbox = await start({ ...options, port: preferred }).catch(() => start({ ...options, port: 0 }));
      return {
        connector: {
          id: manifest.id,
          hydrates: manifest.hydrates,
          config: { ...settings, ...sandbox.config },
          secret: sandbox.secret,
          webhookSecret: sandbox.webhookSecret,
          baseUrl: sandbox.baseUrl
        },
        running: { id: manifest.id, name: manifest.displayName, sandbox }
      };
    })
  );
  const connectors = started.map((s) => s.connector);
  const running = started.map((s) => s.running);
  const runtime = await startRuntime({
    root,
    buildDir: path7.join(dataDir, "build"),
    dynamodbEndpoint: `http://127.0.0.1:${ddbPort}`,
    dynamodbReady: ddbStarting,
    tableName,
    connectors,
    port,
    // One execution environment per function is enough on a laptop (tests that race events use a pool).
    poolSize: 1,
    startFunctionsTogether: true,
    defaultCountry: config.defaultCountry,
    parkedRetentionDays: config.parkedRetentionDays,
    logLevel: config.logLevel,
    onLog: (line) => console.log(verbose ? line : prettyLogLine(line))
  });
  const ddb = await ddbStarting;
  await stopBundler();
  for (const r of running) r.sandbox?.setWebhookUrl(runtime.webhookUrl(r.id));
  await writeLocalState(root, {
    dynamodbEndpoint: ddb.endpoint,
    tableName,
    eventsEndpoint: runtime.eventsEndpoint,
    webhookUrl: runtime.url,
    pid: process.pid
  });
  const lines = [
    "",
    "omnihub is running.",
    `  Webhooks        POST ${runtime.url}/webhooks/{${running.map((r) => r.id).join("|")}}`,
    `  DynamoDB Local  ${ddb.endpoint}  table ${tableName}, kept in ${shown(dbPath)} (npm start -- --fresh starts clean)`,
    `  Event bus       in-process (rules from core/routing.ts), ${runtime.queues.length} queues`
  ];
  for (const r of running) {
    if (r.sandbox) lines.push(`  ${r.name.padEnd(15)} sandbox at ${r.sandbox.baseUrl}`, ...r.sandbox.help().map((h) => `                    ${h}`));
    else lines.push(`  ${r.name.padEnd(15)} REAL service (credentials from the environment); point its webhooks at ${runtime.webhookUrl(r.id)} through a public tunnel`);
  }
  for (const warning of warnings) lines.push(`  WARNING         ${warning}`);
  lines.push("", "  Look a customer up:  npx omnihub customer ada.lovelace@example.com", "  Stop:                Ctrl+C", "");
  console.log(lines.join("\n"));
  let stopping = false;
  const stop2 = async () => {
    if (stopping) return;
    stopping = true;
    console.log("Stopping...");
    await runtime.stop();
    await Promise.all(running.map((r) => r.sandbox?.close()));
    await ddb.stop();
    await clearLocalState(root);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop2());
  process.on("SIGTERM", () => void stop2());
}
function realCredentials(localEnv) {
  const fromEnv = (names) => Object.fromEntries(Object.entries(names).map(([key, name]) => [key, process.env[name] ?? ""]));
  const secret = fromEnv(localEnv.secret);
  if (Object.values(secret).some((v) => !v)) return void 0;
  const config = Object.fromEntries(
    Object.entries(localEnv.config).flatMap(([key, name]) => process.env[name] ? [[key, process.env[name]]] : [])
  );
  const missingWebhookVars = Object.values(localEnv.webhookSecret).filter((name) => !process.env[name]);
  return { secret, webhookSecret: fromEnv(localEnv.webhookSecret), config, missingWebhookVars };
}
function shown(file) {
  const relative = path7.relative(root, file);
  return relative.startsWith("..") || path7.isAbsolute(relative) ? file : relative;
}
main().catch((error) => {
  console.error(`omnihub could not start: ${error.message ?? error}`);
  process.exit(1);
});
