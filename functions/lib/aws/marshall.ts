/**
 * Native values ⇄ DynamoDB's JSON wire form (AttributeValue), as @aws-sdk/util-dynamodb's
 * marshall/unmarshall do with the options lib-dynamodb passes (undefined dropped when asked,
 * class instances refused, sets by element type, numbers beyond 2^53 as BigInt), with binary
 * values as base64 because these are written straight into the JSON body.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
 */
export type WireValue = Record<string, unknown>;
export interface MarshallOptions {
  removeUndefinedValues?: boolean;
}

export function marshall(doc: Record<string, unknown>, options: MarshallOptions = {}): Record<string, WireValue> {
  return toMap(doc, options);
}

function toMap(doc: Record<string, unknown>, options: MarshallOptions): Record<string, WireValue> {
  const map: Record<string, WireValue> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined) {
      if (options.removeUndefinedValues) continue;
      throw new Error('Pass options.removeUndefinedValues=true to remove undefined values from map/array/set.');
    }
    if (typeof value !== 'function') map[key] = toWire(value, options);
  }
  return map;
}

function toWire(value: unknown, options: MarshallOptions): WireValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (typeof value === 'number' || typeof value === 'bigint') return { N: numberText(value) };
  if (value instanceof Uint8Array) return { B: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) {
    const present = value.filter((entry) => entry !== undefined || !options.removeUndefinedValues);
    if (present.includes(undefined)) throw new Error('Pass options.removeUndefinedValues=true to remove undefined values from map/array/set.');
    return { L: present.map((entry) => toWire(entry, options)) };
  }
  if (value instanceof Set) {
    const members = [...value].filter((entry) => entry !== undefined || !options.removeUndefinedValues);
    if (members.length === 0) throw new Error('Pass a non-empty set, or options.convertEmptyValues=true.');
    if (members.every((m) => typeof m === 'string')) return { SS: members };
    if (members.every((m) => typeof m === 'number' || typeof m === 'bigint')) return { NS: members.map((m) => numberText(m as number)) };
    if (members.every((m) => m instanceof Uint8Array)) return { BS: members.map((m) => Buffer.from(m as Uint8Array).toString('base64')) };
    throw new Error('Only Number Set (NS), Binary Set (BS) or String Set (SS) are allowed.');
  }
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    return { M: toMap(value as Record<string, unknown>, options) };
  }
  throw new Error(`Unsupported type passed: ${String(value)}. Pass options.convertClassInstanceToMap=true to marshall typeof object as map attribute.`);
}

function numberText(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`Special numeric value ${value.toString()} is not allowed`);
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new Error(`Number ${value.toString()} is greater than Number.MAX_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.`);
  }
  return value.toString();
}

export function unmarshall(item: Record<string, WireValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([key, value]) => [key, toNative(value)]));
}

function toNative(value: WireValue): unknown {
  const [type, data] = Object.entries(value).find(([, v]) => v !== undefined) ?? [];
  switch (type) {
    case 'NULL': return null;
    case 'BOOL': return Boolean(data);
    case 'S': return data;
    case 'N': return nativeNumber(data as string);
    case 'B': return new Uint8Array(Buffer.from(data as string, 'base64'));
    case 'L': return (data as WireValue[]).map(toNative);
    case 'M': return unmarshall(data as Record<string, WireValue>);
    case 'SS': return new Set(data as string[]);
    case 'NS': return new Set((data as string[]).map(nativeNumber));
    case 'BS': return new Set((data as string[]).map((b) => new Uint8Array(Buffer.from(b, 'base64'))));
    default: throw new Error(type ? `Unsupported type passed: ${type}` : `No value defined: ${JSON.stringify(value)}`);
  }
}

function nativeNumber(text: string): number | bigint {
  const number = Number(text);
  return Number.isFinite(number) && Math.abs(number) > Number.MAX_SAFE_INTEGER ? BigInt(text) : number;
}
