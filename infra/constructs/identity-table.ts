import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface IdentityTableProps {
  removalPolicy: RemovalPolicy;
}

/**
 * The one table behind the identity map, delivery dedupe records and parked events
 * (generic pk/sk keys; the item shapes live in functions/lib/adapters). On-demand because
 * webhook traffic is bursty and mostly idle; TTL on `expiresAt` removes delivery records and parked events.
 */
export class IdentityTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: IdentityTableProps) {
    super(scope, id);
    const retained = props.removalPolicy === RemovalPolicy.RETAIN;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS-managed key: encryption with a CloudTrail record of its use, no key to administer.
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: props.removalPolicy,
      // A retained table holds the only copy of the identity map: protect it from a stray delete too.
      deletionProtection: retained,
    });
  }
}
