import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface EmailProps {
  readonly resourcePrefix: string;
  /** The From address; it (or its domain) must be a verified SES identity in the account. */
  readonly senderEmail: string;
}

/**
 * SES v2 sending: a configuration set (TLS required, reputation metrics, account suppression
 * list for bounces and complaints) and the ARNs of the sender identity. The identity itself is
 * not created here: deployers usually have a verified domain already, and creating an address
 * identity would send a verification mail on every new stage.
 */
export class Email extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly senderEmail: string;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: props.resourcePrefix,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
  }

  /**
   * SES authorizes SendEmail against the identity that covers the From address: the address
   * identity if one exists, else its domain identity. Both are allowed, nothing else.
   */
  get identityArns(): string[] {
    const stack = Stack.of(this);
    const domain = this.senderEmail.split('@')[1];
    const identities = domain ? [this.senderEmail, domain] : [this.senderEmail];
    return identities.map((identity) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
    );
  }

  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }

  /** ses:SendEmail with the sender identity and careflow's configuration set only. */
  grantSend(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendEmail',
        actions: ['ses:SendEmail'],
        resources: [...this.identityArns, this.configurationSetArn],
      }),
    );
  }
}
