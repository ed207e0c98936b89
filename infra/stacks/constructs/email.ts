import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface EmailProps {
  readonly resourcePrefix: string;
  /** The From address; it (or its domain) must be a verified SES identity in the account. */
  readonly senderEmail: string;
  /**
   * A domain to create as an SES identity with Easy DKIM (the sender address must be on it).
   * Publish the three DKIM CNAME records the stack outputs; SES verifies the domain once they
   * resolve. @default none: the sender identity is verified outside the stack
   */
  readonly domain?: string;
}

/**
 * SES v2 sending: a configuration set (TLS required, reputation metrics, account suppression
 * list for bounces and complaints) and the ARNs of the sender identity. The identity is created
 * here only when `domain` is given (a domain identity with Easy DKIM, using the configuration
 * set by default): deployers usually have a verified domain already, and creating an address
 * identity would send a verification mail on every new stage.
 */
export class Email extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly senderEmail: string;
  readonly identity?: ses.EmailIdentity;

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
    if (props.domain) {
      this.identity = new ses.EmailIdentity(this, 'DomainIdentity', {
        identity: ses.Identity.domain(props.domain),
        configurationSet: this.configurationSet,
        dkimSigning: true,
      });
    }
  }

  /** The DKIM CNAME records to publish for the domain identity (name → value). */
  get dkimRecords(): { name: string; value: string }[] {
    if (!this.identity) return [];
    const id = this.identity;
    return [
      { name: id.dkimDnsTokenName1, value: id.dkimDnsTokenValue1 },
      { name: id.dkimDnsTokenName2, value: id.dkimDnsTokenValue2 },
      { name: id.dkimDnsTokenName3, value: id.dkimDnsTokenValue3 },
    ];
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
