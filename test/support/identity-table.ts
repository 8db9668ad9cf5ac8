import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { CustomerSchema, LinkSchema, type Customer } from '../../core/model/customer';
import { createIdentityTable, localClient } from '../../local/dynamodb-local';

/** A fresh identity table on the shared DynamoDB Local, and ways to look at what it holds. */
export async function aFreshTable(endpoint: string = inject('dynamodbEndpoint')) {
  const tableName = `omnihub-test-${randomUUID().slice(0, 8)}`;
  await createIdentityTable(endpoint, tableName);
  const client = localClient(endpoint);
  const doc = DynamoDBDocumentClient.from(client);
  return {
    endpoint,
    tableName,
    doc,
    async items(): Promise<Array<Record<string, unknown>>> {
      const items: Array<Record<string, unknown>> = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
    /** Every customer with its links, assembled from its partition as the store reads it. */
    async customers(): Promise<Customer[]> {
      const items = await this.items();
      return items
        .filter((i) => i.sk === 'CUSTOMER')
        .map((i) => {
          const links = items.filter((l) => l.pk === i.pk && typeof l.sk === 'string' && l.sk.startsWith('LINK#')).map((l) => LinkSchema.parse(l.link));
          return CustomerSchema.parse({ ...(i.customer as object), links });
        });
    },
  };
}
