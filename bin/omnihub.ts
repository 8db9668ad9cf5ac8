import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { MatchKey } from '../core/identity/identity-store';
import { OmnihubIdSchema, type Customer } from '../core/model/customer';
import { normalizeEmail, toE164, type CountryCode } from '../core/model/normalize';
import { DynamoDbIdentityStore } from '../functions/lib/adapters/dynamodb-identity-store';
import { DynamoDbOrderStore } from '../functions/lib/adapters/dynamodb-order-store';
import { parseOrderKey } from '../core/model/order';
import type { CustomerOrderEntry } from '../core/orders/order-store';
import { formatKpiReport, kpiReport } from '../core/orders/kpi-report';
import { ParkingLot, type ParkedEvent } from '../functions/lib/adapters/parking-lot';
import { redact, redactText } from '../functions/lib/redact';
import { readFile } from 'node:fs/promises';
import { enabledConnectors, loadConfig } from '../infra/config';
import { backfillCommand, cliTarget } from './backfill';
import { readLocalState } from './local-state';
import { formatCustomer } from './format-customer';

/**
 * npx omnihub customer <email | phone | system:ID | omnihub id> [--json]   the golden record, its links and its orders
 * npx omnihub order <system:ID> [--json]          one order, its buyer and every system's id for it
 * npx omnihub kpis [--from DAY] [--to DAY] [--json]  the shop's cross-channel KPIs
 * npx omnihub duplicates [--json]                 customers that may be one person, for a person to decide
 * npx omnihub parked <target> [--json]            events that could not be applied, with reasons (emails and phones masked)
 * npx omnihub replay <target> <parked id>          put a parked event back on the bus
 * npx omnihub backfill <connector|all> [--orders] [--since DATE] [--full] [--dry-run] [--remote] [--json]
 *                                                   read every customer (or order) of a system into the hub (first sync)
 *
 * Against the local hub (while `npm start` runs) by default; against a deployed stack with
 * --table (and --bus for replay) and the usual AWS credentials and region.
 */
const USAGE = `Usage:
  npx omnihub customer <email | phone | shopify:ID | hubspot:ID | oh_...> [--json]
                                                the golden record, its linked records and its orders across channels
  npx omnihub order <shopify:ID | square:ID> [--json]
                                                one order with its state and every system's id for it
  npx omnihub kpis [--from DAY] [--to DAY] [--json]
                                                revenue and orders by channel, click & collect, repeat and two-channel buyers
  npx omnihub duplicates [--json]               possible duplicate customers (a shared phone, a taken email)
  npx omnihub parked <target> [--json]          target: webhook-receiver, identity-resolver or sync-<connector>
  npx omnihub replay <target> <parked id>
  npx omnihub backfill <connector|all> [--orders] [--since DATE] [--full] [--dry-run] [--remote] [--json]
                                                read every customer of a system into the hub: duplicates are linked,
                                                missing records created; a second run reads only what changed.
                                                With --orders: every order placed in it (shopify, square), counted
                                                in the stats and KPIs and copied to the CRM, each once
Options:
  --table <name>     DynamoDB table of a deployed stack (CfnOutput TableName); default: the local hub
  --bus <name>       EventBridge bus of a deployed stack, for replay (default: omnihub)
  --region <region>  AWS region (default: AWS_REGION)
  --country <CC>     country for phone numbers without a country code (default: US)
  --json             print JSON
  --from, --to       kpis: first and last UTC day of orders placed (YYYY-MM-DD; default: the last 30 days)
  --orders           backfill: read the orders placed in the system instead of its customers
  --since <time>     backfill: only records updated from then on (ISO 8601, e.g. 2025-01-31T00:00:00Z)
  --full             backfill: read every record again (default: from the last run's end on)
  --dry-run          backfill: print what would be linked, created and updated; write nothing
  --remote           backfill: run in the deployed stack's backfill function and watch its progress`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      table: { type: 'string' },
      bus: { type: 'string' },
      region: { type: 'string' },
      country: { type: 'string', default: 'US' },
      json: { type: 'boolean', default: false },
      since: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      full: { type: 'boolean', default: false },
      orders: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      remote: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }

  if (command === 'backfill') {
    if (!args[0]) return fail('backfill needs a connector id or "all"');
    const backfillTarget = await cliTarget(values, await readLocalState(root), async () => {
      const cdk = JSON.parse(await readFile(path.join(root, 'cdk.json'), 'utf8')) as { context?: { omnihub?: unknown } };
      return enabledConnectors(loadConfig(cdk.context?.omnihub)).map(({ manifest, settings }) => ({ id: manifest.id, settings }));
    });
    let stop = false;
    process.on('SIGINT', () => {
      // The page in hand finishes and its checkpoint is written; a second Ctrl-C leaves at once.
      if (stop) process.exit(130);
      stop = true;
      process.stderr.write('\nStopping after this page (Ctrl-C again to leave now)...\n');
    });
    const tty = process.stderr.isTTY;
    return backfillCommand(
      { which: args[0], orders: values.orders, since: values.since, full: values.full, dryRun: values['dry-run'], remote: values.remote, json: values.json },
      backfillTarget,
      {
        out: (text) => {
          if (tty) process.stderr.write('\r\x1b[2K');
          console.log(text);
        },
        progress: tty ? (text) => process.stderr.write(`\r\x1b[2K${text}`) : undefined,
        stopped: () => stop,
      },
    );
  }

  const target = await connect(values);
  if (command === 'customer') {
    if (!args[0]) return fail('customer needs an email, phone, system:ID or omnihub id');
    const customer = await findCustomer(target.store, args[0], values.country as CountryCode);
    if (!customer) return fail(`No customer matches "${args[0]}"`, 1);
    const orders = await target.orders.listCustomerOrders(customer.id);
    console.log(values.json ? JSON.stringify({ ...customer, orders }, null, 2) : `${formatCustomer(customer)}\n\n${formatOrders(orders)}`);
    return 0;
  }
  if (command === 'order') {
    if (!args[0] || !args[0].includes(':')) return fail('order needs system:ID, e.g. shopify:450789469');
    const origin = parseOrderKey(args[0]);
    const held = await target.orders.getOrder(origin);
    if (!held) return fail(`No order ${args[0]}`, 1);
    const copies = await target.orders.listCopies(origin);
    const { unpublishedMoves: _outbox, ...shown } = held;
    console.log(values.json ? JSON.stringify({ ...shown, copies }, null, 2) : formatOrder(held, copies));
    return 0;
  }
  if (command === 'kpis') {
    const day = /^\d{4}-\d{2}-\d{2}$/;
    const to = values.to ?? new Date().toISOString().slice(0, 10);
    const from = values.from ?? new Date(Date.parse(to) - 29 * 86_400_000).toISOString().slice(0, 10);
    if (!day.test(from) || !day.test(to)) return fail('--from and --to take a UTC day: YYYY-MM-DD');
    const { days, customers } = await target.orders.readKpis(from, to);
    const report = kpiReport({ from, to }, days.map((d) => d.kpis), customers);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatKpiReport(report));
    return 0;
  }
  if (command === 'duplicates') {
    const hints = await target.store.listDuplicates();
    if (values.json) console.log(JSON.stringify(hints, null, 2));
    else if (hints.length === 0) console.log('No possible duplicates');
    else for (const h of hints) console.log(`${h.customerId}  ${h.otherCustomerId}  share a ${h.shared}${h.system ? ` (${h.system})` : ''}  ${h.at}`);
    return 0;
  }
  if (command === 'parked') {
    if (!args[0]) return fail('parked needs a target, e.g. sync-hubspot');
    const parked = await target.parking.list(args[0]);
    // Parked events hold customer data: a terminal (or a pasted support ticket) never shows an email or phone in clear.
    if (values.json) console.log(JSON.stringify(redact(parked), null, 2));
    else if (parked.length === 0) console.log(`Nothing parked for ${args[0]}`);
    else for (const p of parked) console.log(formatParked(p));
    return 0;
  }
  if (command === 'replay') {
    const [name, parkedId] = args;
    if (!name || !parkedId) return fail('replay needs a target and a parked id (as `parked` prints it)');
    const [parkedAt, id] = splitParkedId(parkedId);
    const entry = await target.parking.get(name, parkedAt, id);
    if (!entry) return fail(`No parked event ${parkedId} for ${name}`, 1);
    if (name === 'webhook-receiver') {
      return fail(
        `${parkedId} is a vendor event the receiver could not use, not a bus event: it cannot be replayed. ` +
          'Inspect it with `npx omnihub parked webhook-receiver --json`; once the connector handles it, change the record in the vendor again to send a new webhook.',
        1,
      );
    }
    const envelope = entry.envelope as { 'detail-type'?: string; source?: string; detail?: unknown };
    const result = await target.events.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: target.busName, Source: envelope.source, DetailType: envelope['detail-type'], Detail: JSON.stringify(envelope.detail) }],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) return fail('EventBridge refused the event; it stays parked', 1);
    await target.parking.remove(entry);
    console.log(`Replayed ${parkedId} (${envelope['detail-type']}) onto bus ${target.busName}`);
    return 0;
  }
  return fail(`Unknown command "${command}"`);
}

async function connect(values: { table?: string; bus?: string; region?: string }) {
  if (values.table) {
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: values.region }));
    return {
      store: new DynamoDbIdentityStore(db, values.table),
      orders: new DynamoDbOrderStore(db, values.table),
      parking: new ParkingLot(db, values.table),
      events: new EventBridgeClient({ region: values.region }),
      busName: values.bus ?? 'omnihub',
    };
  }
  const local = await readLocalState(root);
  if (!local) {
    throw new UsageError('No local hub is running (start one with `npm start`), and no --table was given for a deployed one.');
  }
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.dynamodbEndpoint, region: 'us-east-1', credentials }));
  return {
    store: new DynamoDbIdentityStore(db, local.tableName),
    orders: new DynamoDbOrderStore(db, local.tableName),
    parking: new ParkingLot(db, local.tableName),
    events: new EventBridgeClient({ endpoint: local.eventsEndpoint, region: 'us-east-1', credentials }),
    busName: 'omnihub',
  };
}

/** Accepts what a person would type: an email, a phone in any format, system:id, or an omnihub id. */
export function parseQuery(query: string, country: CountryCode): { id: string } | { key: MatchKey } | undefined {
  if (OmnihubIdSchema.safeParse(query).success) return { id: query };
  const link = /^([a-z][a-z0-9-]+):(.+)$/.exec(query);
  if (link && !query.includes('@')) return { key: { kind: 'link', system: link[1]!, externalId: link[2]! } };
  const email = normalizeEmail(query);
  if (email) return { key: { kind: 'email', value: email } };
  const phone = toE164(query, country);
  if (phone) return { key: { kind: 'phone', value: phone } };
  return undefined;
}

async function findCustomer(store: DynamoDbIdentityStore, query: string, country: CountryCode): Promise<Customer | undefined> {
  const parsed = parseQuery(query, country);
  if (!parsed) throw new UsageError(`"${query}" is not an email, a phone number, system:ID or an omnihub id`);
  const id = 'id' in parsed ? parsed.id : await store.findOwner(parsed.key);
  return id ? store.getCustomer(id) : undefined;
}


export function formatOrders(orders: CustomerOrderEntry[]): string {
  if (orders.length === 0) return '  Orders: none';
  const lines = ['  Orders', '  Placed                 Order            Channel  Status     Pickup            Total'];
  for (const o of orders) {
    lines.push(`  ${o.placedAt.padEnd(22)} ${`${o.name} (${o.orderKey})`.slice(0, 40).padEnd(16)} ${o.channel.padEnd(8)} ${o.status.padEnd(10)} ${o.pickup.padEnd(17)} ${o.total.amount} ${o.total.currency}`);
  }
  return lines.join('\n');
}

function formatOrder(held: Awaited<ReturnType<DynamoDbOrderStore['getOrder']>> & object, copies: Array<{ system: string; copyId: string; revision: number }>): string {
  const { order } = held;
  const lines = [
    `Order ${order.name}  ${order.origin.system}:${order.origin.externalId}  (revision ${order.revision}, updated ${order.updatedAt})`,
    '',
    `  Placed     ${order.placedAt} (${order.channel})`,
    `  Status     ${order.status}`,
    `  Pickup     ${order.pickup.state}${order.pickup.location ? ` at ${order.pickup.location.name ?? order.pickup.location.id}` : ''}`,
    `  Total      ${order.total.amount} ${order.total.currency} (${order.lines.length} line${order.lines.length === 1 ? '' : 's'})`,
    `  Buyer      ${held.customerId ?? '(anonymous sale)'}`,
    '',
    '  Ids',
    `  ${order.origin.system.padEnd(10)} ${order.origin.externalId}  (origin)`,
    ...copies.map((c) => `  ${c.system.padEnd(10)} ${c.copyId}  (copy of revision ${c.revision})`),
  ];
  return lines.join('\n');
}

/** One line per parked event: the id `replay` takes, code, reason (masked) and when it expires. */
function formatParked(p: ParkedEvent): string {
  const expires = p.expiresAt === undefined ? '' : `  expires ${new Date(p.expiresAt * 1000).toISOString()}`;
  return `${p.parkedAt}#${p.id}  ${p.code}  ${redactText(p.reason)}${expires}`;
}


function splitParkedId(parkedId: string): [string, string] {
  const at = parkedId.lastIndexOf('#');
  return [parkedId.slice(0, at), parkedId.slice(at + 1)];
}

class UsageError extends Error {}

function fail(message: string, code = 2): number {
  console.error(message);
  if (code === 2) console.error(`\n${USAGE}`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : `omnihub: ${(error as Error).message ?? error}`);
    process.exit(1);
  },
);
