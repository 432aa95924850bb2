import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { TableDefinition } from '../../functions/shared/resources.ts';

export interface MrvTableProps {
  /** Key schema and indexes from `functions/shared/resources.ts` TABLES (shared with the local stack). */
  readonly definition: TableDefinition;
}

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/**
 * A DynamoDB table with the house defaults. These tables hold the pipeline's durable state (submissions,
 * the approval ledger), so they are retained on stack deletion, protected against deletion, and
 * recoverable to any second of the last 35 days.
 */
export class MrvTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: MrvTableProps) {
    super(scope, id);
    const { definition } = props;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: stringKey(definition.partitionKey),
      sortKey: definition.sortKey === undefined ? undefined : stringKey(definition.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // AWS-managed key (aws/dynamodb): encrypted at rest, auditable in CloudTrail, no key policy to maintain.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.indexes ?? []) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: index.sortKey === undefined ? undefined : stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
