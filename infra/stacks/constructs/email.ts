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
 * The domains SES may authorize a send from `address` against: its own domain and, when the
 * address is on a subdomain of `domain`, each parent domain up to `domain`.
 */
export const senderDomains = (address: string, domain?: string): string[] => {
  const own = address.split('@')[1];
  if (!own) return [];
  if (!domain || !own.toLowerCase().endsWith(`.${domain}`)) return [own];
  const labels = own.toLowerCase().split('.');
  const parents: string[] = [];
  for (let i = 1; parents.at(-1) !== domain; i += 1) parents.push(labels.slice(i).join('.'));
  return [own, ...parents];
};

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
  /** The domain identity created here, if any. */
  readonly domain?: string;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    if (props.domain) this.domain = props.domain.toLowerCase();
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
   * SES authorizes SendEmail against the verified identity that covers the From address: the
   * address identity if one exists, else the most specific verified domain it is on. Allowed:
   * the address, its domain, and with `domain` every domain from the address's up to `domain`
   * (a sender on `mail.shop.example` is sent under the `shop.example` identity this stack
   * creates). Nothing else.
   */
  get identityArns(): string[] {
    const stack = Stack.of(this);
    const identities = [this.senderEmail, ...senderDomains(this.senderEmail, this.domain)];
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
