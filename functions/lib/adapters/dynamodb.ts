import { DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One DynamoDB document client per function instance, created at cold start. The endpoint
 * comes from the SDK's standard AWS_ENDPOINT_URL_DYNAMODB variable (DynamoDB Local when
 * running locally), so the code is the same in AWS and on a laptop.
 */
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/**
 * Capacity units as DynamoDB reports them (ReturnConsumedCapacity: TOTAL on every call).
 * The benchmark reads these per update: counted, not estimated.
 */
export const capacityMeter = {
  readUnits: 0,
  writeUnits: 0,
  /** `kind` says which side a call is on: DynamoDB reports only CapacityUnits for single-kind calls. */
  add(kind: 'read' | 'write', consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
      const units = c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0);
      if (kind === 'read') this.readUnits += units;
      else this.writeUnits += units;
    }
  },
  take(): { readUnits: number; writeUnits: number } {
    const taken = { readUnits: this.readUnits, writeUnits: this.writeUnits };
    this.readUnits = 0;
    this.writeUnits = 0;
    return taken;
  },
};
(globalThis as { __omnihubCapacity?: typeof capacityMeter }).__omnihubCapacity = capacityMeter;
