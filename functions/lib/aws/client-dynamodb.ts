import { AwsJsonClient, errorClass, type ErrorClasses } from './aws-json';

/**
 * What the bundles get for `@aws-sdk/client-dynamodb` (functions/catalog.ts bundleAliases):
 * DynamoDB's awsJson1_0 API through the lean client, with the SDK's class names for the
 * errors the adapters tell apart. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/Welcome.html
 */
export type { AttributeValue } from '@aws-sdk/client-dynamodb';

export const ConditionalCheckFailedException = errorClass('ConditionalCheckFailedException');
export const TransactionCanceledException = errorClass('TransactionCanceledException');

const errors: ErrorClasses = { ConditionalCheckFailedException, TransactionCanceledException };

export class DynamoDBClient extends AwsJsonClient {
  constructor(_config: Record<string, never> = {}) {
    super({ signingName: 'dynamodb', endpointPrefix: 'dynamodb', targetPrefix: 'DynamoDB_20120810', jsonVersion: '1.0', endpointEnvId: 'DYNAMODB' }, errors);
  }
}
