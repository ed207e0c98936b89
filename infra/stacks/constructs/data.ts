import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  providerMessageIdAttribute,
  providerMessageIdIndex,
} from '../../../shared/adapters/dynamodb/keys.js';
import { acknowledgeNag } from '../nag.js';

/** Name of the table's TTL attribute (epoch seconds); the adapters write it on expiring items. */
export const ttlAttribute = 'expiresAt';

export interface DataProps {
  readonly resourcePrefix: string;
  /** Protect the table against deletion from the console or API (production stages). */
  readonly deletionProtection: boolean;
}

/**
 * careflow's state: the one table (profiles, journey instances, message log, journeys,
 * cases, survey tokens, suppressions, counters; key design in docs/data-model.md), its index of
 * messages by provider message id, and the
 * key that signs survey and unsubscribe links.
 */
export class Data extends Construct {
  readonly table: dynamodb.Table;
  readonly signingSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: ttlAttribute,
      deletionProtection: props.deletionProtection,
      // Customer data outlives the stack: deleting the stack never deletes the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Message log entries by their provider's id: SNS SMS delivery logs carry only SNS's
    // MessageId (decision 0081). Keys only and sparse: one small index write per settled send.
    this.table.addGlobalSecondaryIndex({
      indexName: providerMessageIdIndex,
      partitionKey: { name: providerMessageIdAttribute, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });

    // Generated as one plain key, read as key `0`; `npm run link-key -- rotate` turns it into the
    // JSON keyring (docs/decisions/0074-link-key-rotation.md). Changing the generation here would
    // replace the secret, and with it every link already sent.
    this.signingSecret = new secretsmanager.Secret(this, 'LinkSigningKey', {
      description: `${props.resourcePrefix}: HMAC key that signs survey and unsubscribe links`,
      generateSecretString: {
        passwordLength: 64,
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.signingSecret,
      'AwsSolutions-SMG4',
      'The link-signing key is rotated deliberately with `npm run link-key -- rotate` (docs/operations.md): links carry a key id and the old key keeps verifying for a grace period. A Secrets Manager rotation would replace the secret value with a single new key and break every link already sent.',
    );
  }
}
