import { z } from 'zod';
import { manifests } from '../connectors/manifests';
import { ConfigError } from '../core/errors';

/**
 * cdk.json `context.omnihub`, parsed once by the CDK app. Connector sections are composed
 * from each manifest's own configSchema, so a new connector brings its keys with it.
 * Every mistake is reported at once, each with its full key, what was found, what is
 * expected and an example fix.
 */

type Manifest = (typeof manifests)[number];

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** What `alarmEmail` must look like (the "expected" line of its error). */
const ALARM_EMAIL_EXPECTED = 'an email address, e.g. "ops@example.com"';

/** A connector's parsed section: `enabled` plus the manifest's keys (kept as data). */
type ConnectorSection = Record<string, unknown>;

/**
 * A connector's section: `enabled` plus its manifest's keys. Two stages so one run reports
 * everything: first every key that is present (types, ranges, unknown keys, `enabled`),
 * then, for an enabled connector only, the keys it cannot run without. A disabled connector
 * may keep its settings, so switching it off is a one-word edit.
 */
function connectorSectionSchema(keys: z.ZodObject): z.ZodType<ConnectorSection, ConnectorSection> {
  return keys
    .partial()
    .extend({ enabled: z.boolean() })
    .pipe(
      z.discriminatedUnion('enabled', [
        keys.extend({ enabled: z.literal(true) }),
        keys.partial().extend({ enabled: z.literal(false) }),
      ]),
    );
}

const ConnectorsSchema = z.strictObject(
  Object.fromEntries(manifests.map((m) => [m.id, connectorSectionSchema(z.strictObject(m.configSchema.shape)).optional()])),
);

export const OmnihubConfigSchema = z.strictObject({
  /** Country used to read phone numbers without a country code (functions' DEFAULT_COUNTRY). */
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code in capitals, e.g. "US"')
    .default('US'),
  /**
   * Lambda application log level (advanced logging controls; Powertools reads it). The system
   * level follows it (WARN and above: no START/REPORT lines). WARN keeps every alarm's lines.
   */
  logLevel: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']).default('WARN'),
  /** How webhooks come in: a Lambda function URL (no per-request charge) or the HTTP API ($1 per million). */
  ingress: z.enum(['functionUrl', 'httpApi']).default('functionUrl'),
  /** X-Ray: off, the receiver only (traces start there and follow the events), or every function. */
  tracing: z.enum(['off', 'sampled', 'active']).default('off'),
  /**
   * With ingress "functionUrl": each webhook receiver's reserved concurrency (one receiver per
   * connector that receives webhooks), the cap on what a flood of one vendor's requests can run
   * (beyond it that URL answers 429 and the vendor retries). Reserved per receiver: the account
   * needs this times the number of receivers, plus Lambda's 100 unreserved.
   */
  webhookConcurrency: z.number().int().min(1).max(1000).default(10),
  /** What happens to the identity table, connector secrets and log groups when the stack is deleted. */
  removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
  /** Retention of every log group (functions and API access log). */
  logRetentionDays: z.literal(LOG_RETENTION_DAYS).default(30),
  /** Stage-wide throttle of the webhook API: requests per second and burst. Vendors retry on 429. */
  webhookThrottle: z
    .strictObject({
      rate: z.number().int().min(1).max(10_000).default(100),
      burst: z.number().int().min(1).max(5_000).default(200),
    })
    .default({ rate: 100, burst: 200 }),
  /** Days a parked event (it holds customer data) is kept before DynamoDB TTL removes it. */
  parkedRetentionDays: z.number().int().min(1).max(365).default(14),
  /** Where the operations alarms (dead letters, parked events) are emailed. Absent: the topic has no subscriber. */
  alarmEmail: z.email(ALARM_EMAIL_EXPECTED).optional(),
  /**
   * Every so many minutes each connector reads what changed since its last backfill or
   * reconciliation (a webhook the vendor never delivered is caught then); 0 turns it off.
   */
  reconcileMinutes: z.number().int().min(0).max(1440).default(15),
  connectors: ConnectorsSchema,
});

/** The parsed configuration. Connector sections are kept as data: infra never interprets them. */
export interface OmnihubConfig {
  defaultCountry: string;
  logLevel: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
  ingress: 'functionUrl' | 'httpApi';
  tracing: 'off' | 'sampled' | 'active';
  webhookConcurrency: number;
  removalPolicy: 'retain' | 'destroy';
  logRetentionDays: (typeof LOG_RETENTION_DAYS)[number];
  webhookThrottle: { rate: number; burst: number };
  parkedRetentionDays: number;
  /** Email subscribed to the alarm topic; undefined when the key is absent. */
  alarmEmail?: string;
  /** Minutes between reconciliations of each connector (0: none). */
  reconcileMinutes: number;
  connectors: Partial<Record<Manifest['id'], ConnectorSection>>;
}

/**
 * Lambda's system log level for an application log level: DEBUG below INFO, INFO at INFO, WARN
 * above (WARN: no START/REPORT lines, about 300 bytes an invocation less).
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
 */
export function systemLogLevelFor(logLevel: OmnihubConfig['logLevel']): 'DEBUG' | 'INFO' | 'WARN' {
  if (logLevel === 'TRACE' || logLevel === 'DEBUG') return 'DEBUG';
  return logLevel === 'INFO' ? 'INFO' : 'WARN';
}

export interface EnabledConnector {
  manifest: Manifest;
  /** The connector's section without `enabled`: what its sync function receives as CONNECTOR_CONFIG. */
  settings: Record<string, unknown>;
}

/** Enabled connectors in manifest order (stable construct order, stable templates). */
export function enabledConnectors(config: OmnihubConfig): EnabledConnector[] {
  return manifests.flatMap((manifest) => {
    const section = config.connectors[manifest.id];
    if (section?.enabled !== true) return [];
    const { enabled: _enabled, ...settings } = section;
    return [{ manifest, settings }];
  });
}

/** A complete, valid example: the source of every "fix" line in error messages. */
export const exampleOmnihubContext = {
  defaultCountry: 'US',
  logLevel: 'WARN',
  ingress: 'functionUrl',
  tracing: 'off',
  webhookConcurrency: 10,
  removalPolicy: 'retain',
  logRetentionDays: 30,
  webhookThrottle: { rate: 100, burst: 200 },
  parkedRetentionDays: 14,
  reconcileMinutes: 15,
  connectors: Object.fromEntries(manifests.map((m) => [m.id, m.exampleConfig])),
};

/**
 * Fix lines for optional keys that have no default. They stay out of exampleOmnihubContext,
 * which is printed for copying: nobody should deploy a placeholder address.
 */
const optionalKeyFixes: Partial<Record<string, string>> = {
  alarmEmail: '"alarmEmail": "ops@example.com" (or remove the key: the alarms are still created, without an email)',
};

/**
 * Parse `context.omnihub`. Accepts the object from cdk.json, or the JSON string that
 * `cdk synth -c omnihub='{...}'` passes. Throws one ConfigError listing every problem.
 */
export function loadConfig(raw: unknown): OmnihubConfig {
  if (raw === undefined || raw === null) {
    throw new ConfigError(
      'cdk.json has no "omnihub" context. Add it under "context" in cdk.json, for example:\n' +
        `  "omnihub": ${indent(JSON.stringify(exampleOmnihubContext, null, 2), '  ')}\n` +
        `Known connectors: ${knownConnectorIds()}. Set "enabled": false on the ones you do not use.`,
    );
  }
  let input: unknown = raw;
  if (typeof raw === 'string') {
    try {
      input = JSON.parse(raw) as unknown;
    } catch {
      throw new ConfigError(
        `omnihub: found a string that is not JSON (${preview(raw)}); expected a JSON object, ` +
          `e.g. -c omnihub='${JSON.stringify(exampleOmnihubContext)}'`,
      );
    }
  }

  const result = OmnihubConfigSchema.safeParse(input);
  const problems = result.success ? [] : result.error.issues.flatMap((issue) => describeIssue(issue, input));
  if (result.success && enabledConnectors(result.data).length === 0) {
    problems.push({
      key: 'omnihub.connectors',
      found: 'no connector with "enabled": true',
      expected: `at least one enabled connector (known: ${knownConnectorIds()})`,
      fix: `"connectors": ${JSON.stringify(exampleOmnihubContext.connectors)}`,
    });
  }
  if (problems.length > 0 || !result.success) {
    const lines = problems.map(
      (p) => `  - ${p.key}\n      found:    ${p.found}\n      expected: ${p.expected}\n      fix:      ${p.fix}`,
    );
    throw new ConfigError(
      `cdk.json context "omnihub" is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        `${lines.join('\n')}\n` +
        'Edit "context" > "omnihub" in cdk.json (or the value given with -c omnihub=...) and run the command again.',
    );
  }
  return result.data;
}

interface Problem {
  key: string;
  found: string;
  expected: string;
  fix: string;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): Problem[] {
  const path = issue.path.map(String);
  const at = (p: string[]) => ['omnihub', ...p].join('.');

  if (issue.code === 'unrecognized_keys') {
    const isConnectorList = path.length === 1 && path[0] === 'connectors';
    const known = knownKeysAt(path);
    return issue.keys.map((key) => {
      const suggestion = closest(key, known);
      return {
        key: at([...path, key]),
        found: isConnectorList ? `an unknown connector "${key}"` : `an unknown key "${key}"`,
        expected: `${isConnectorList ? 'one of the known connectors' : 'one of the keys'}: ${known.join(', ')}`,
        fix: suggestion ? `rename "${key}" to "${suggestion}"` : `remove "${key}"`,
      };
    });
  }

  const found = valueAt(input, path);
  return [
    {
      key: at(path),
      found: found === undefined ? 'nothing (the key is missing)' : preview(JSON.stringify(found)),
      expected: expectedText(issue),
      fix: exampleFix(path),
    },
  ];
}

const TYPE_NAMES: Partial<Record<string, string>> = {
  object: 'an object { ... }',
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
};

function expectedText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? `a value of type ${issue.expected}`;
    case 'too_big':
      return issue.origin === 'number'
        ? `a number ${issue.inclusive ? '≤' : '<'} ${issue.maximum}`
        : `at most ${issue.maximum} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    case 'too_small':
      return issue.origin === 'number'
        ? `a number ${issue.inclusive ? '≥' : '>'} ${issue.minimum}`
        : `at least ${issue.minimum} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      // Manifests phrase their regex checks for humans; zod's default text names the pattern.
      return issue.message.startsWith('Invalid') && 'pattern' in issue ? `text matching ${issue.pattern}` : issue.message;
    case 'invalid_union':
      return 'discriminator' in issue && issue.discriminator === 'enabled' ? 'true or false' : issue.message;
    default:
      return issue.message;
  }
}

/** `"key": <example value>` for the failing key, from the example context (manifests' exampleConfig). */
function exampleFix(path: string[]): string {
  const optionalFix = path.length === 1 ? optionalKeyFixes[path[0] ?? ''] : undefined;
  if (optionalFix) return optionalFix;
  for (let depth = path.length; depth > 0; depth--) {
    const example = valueAt(exampleOmnihubContext, path.slice(0, depth));
    if (example !== undefined) return `"${path[depth - 1]}": ${JSON.stringify(example)}`;
  }
  return `"omnihub": ${JSON.stringify(exampleOmnihubContext)}`;
}

/** The keys allowed where an unknown key was found. */
function knownKeysAt(path: string[]): string[] {
  if (path.length === 0) return Object.keys(OmnihubConfigSchema.shape);
  if (path.length === 1 && path[0] === 'connectors') return manifests.map((m) => m.id);
  if (path.length === 2 && path[0] === 'connectors') {
    const manifest = manifests.find((m) => m.id === path[1]);
    return manifest ? ['enabled', ...Object.keys(manifest.configSchema.shape)] : [];
  }
  const example = valueAt(exampleOmnihubContext, path);
  return example !== null && typeof example === 'object' ? Object.keys(example) : [];
}

function valueAt(root: unknown, path: string[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A near miss ("batchsize" for "batchSize", "shopfy" for "shopify"), or undefined. */
function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function knownConnectorIds(): string {
  return manifests.map((m) => m.id).join(', ');
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function indent(text: string, prefix: string): string {
  return text.replaceAll('\n', `\n${prefix}`);
}
