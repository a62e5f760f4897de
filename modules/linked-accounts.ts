import { CloudwatchEventBusPolicy } from "@cdktf/provider-aws/lib/cloudwatch-event-bus-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Fn, Op, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import { LinkedAccountKey, WorkloadRoleSuffix } from "../functions/shared/contract.js";
import { EXTERNAL_ID, IAM_ROLE_NAME, ORGANIZATION_ID } from "../functions/shared/grammar.js";
import { attr, both, countOf, listExpr, not, type Toggle } from "./terraform.js";
import { checkEach, checkPattern, InvalidPropError, PATTERNS } from "./validation.js";

/** One linked workload account, as the module's `linked_accounts` input lists it. */
export interface LinkedAccountInput {
  /** The 12-digit account id. */
  readonly id: string;
  /** The regions whose deployment events the account forwards (its workload-account module's). */
  readonly regions: string[];
  /**
   * The name of the role the tracker assumes there.
   * @default "<namePrefix>-read" (the workload-account module's default)
   */
  readonly readRoleName?: string;
  /**
   * The name of the role the deployer's functions assume there.
   * @default "<namePrefix>-deploy"
   */
  readonly deployRoleName?: string;
  /**
   * The ExternalId the account's roles require (its workload-account module's `external_id`).
   * @default - none: the roles trust the organization instead
   */
  readonly externalId?: string;
}

/** The Terraform type of the module's `linked_accounts` variable. */
export const LINKED_ACCOUNTS_TYPE =
  "list(object({ id = string, regions = list(string), read_role_name = optional(string), deploy_role_name = optional(string), external_id = optional(string) }))";

/** Properties of {@link LinkedAccounts}. */
export interface LinkedAccountsProps {
  /** The linked accounts: a literal list or a token (the module's variable). */
  readonly accounts: LinkedAccountInput[];
  /** The prefix of the default role names. */
  readonly namePrefix: string;
  /** The partition (a token of the partition data source). */
  readonly partition: string;
  /** The home region's default event bus. */
  readonly homeEventBusArn: string;
  /**
   * The organization the linked accounts must belong to for the bus to accept their events.
   * @default - none
   */
  readonly organizationId?: string;
  /**
   * Whether to write the home default bus's resource policy (it replaces any other policy
   * of that bus).
   * @default true
   */
  readonly createEventBusPolicy?: Toggle;
  /** Whether the tracker exists (the bus policy is only needed for its events). */
  readonly trackerEnabled: Toggle;
  /** Whether the deployer exists. */
  readonly deployerEnabled: Toggle;
}

/** Checks the literal linked accounts (a token is checked by the variable's validations). */
export function checkLinkedAccounts(accounts: readonly LinkedAccountInput[] | undefined): void {
  if (accounts === undefined || Token.isUnresolved(accounts)) return;
  const seen = new Set<string>();
  accounts.forEach((a, i) => {
    const at = `linkedAccounts[${i}]`;
    checkPattern(`${at}.id`, a.id, PATTERNS.accountId, "a 12-digit account id");
    checkEach(`${at}.regions`, a.regions, PATTERNS.region, "an AWS region such as eu-west-1");
    checkPattern(`${at}.readRoleName`, a.readRoleName, IAM_ROLE_NAME, "an IAM role name");
    checkPattern(`${at}.deployRoleName`, a.deployRoleName, IAM_ROLE_NAME, "an IAM role name");
    checkPattern(
      `${at}.externalId`,
      a.externalId,
      EXTERNAL_ID,
      "2-1224 letters, digits or _+=,.@:/-",
    );
    if (!Token.isUnresolved(a.regions) && a.regions.length === 0) {
      throw new InvalidPropError(`${at}.regions must name at least one region`);
    }
    if (!Token.isUnresolved(a.id) && seen.has(a.id)) {
      throw new InvalidPropError(`${at}.id ${a.id} is listed twice`);
    }
    seen.add(a.id);
  });
}

/** Checks a literal organization id. */
export function checkOrganizationId(value: string | undefined): void {
  checkPattern("organizationId", value, ORGANIZATION_ID, "an organization id such as o-a1b2c3d4e5");
}

/**
 * The central side of linked workload accounts: the list the functions get (one
 * environment variable, JSON), the policies that let each function assume only the linked
 * accounts' roles (as policy documents the functions merge into theirs), and the home
 * default bus's policy that accepts events only from the linked accounts (and, when given,
 * only from inside the organization).
 */
export class LinkedAccounts extends Construct {
  /** The value of the functions' `LINKED_ACCOUNTS` variable. */
  public readonly environmentValue: string;
  /** Policy documents (JSON, 0 or 1) that let the tracker assume the read roles. */
  public readonly trackerPolicyDocuments: string[];
  /** Policy documents (JSON, 0 or 1) that let the deployer assume the deploy roles. */
  public readonly deployerPolicyDocuments: string[];
  /** The bus policy (JSON; null without linked accounts or without the tracker). */
  public readonly eventBusPolicy: string;

  constructor(scope: Construct, id: string, props: LinkedAccountsProps) {
    super(scope, id);
    checkLinkedAccounts(props.accounts);
    checkOrganizationId(props.organizationId);
    const literal = !Token.isUnresolved(props.accounts);
    // The input, each optional attribute present (null when unset), in Terraform's names.
    const input = new TerraformLocal(
      this,
      "input",
      literal
        ? props.accounts.map((a) => ({
            id: a.id,
            regions: a.regions,
            read_role_name: a.readRoleName ?? null,
            deploy_role_name: a.deployRoleName ?? null,
            external_id: a.externalId ?? null,
          }))
        : props.accounts,
    );
    const prefix = new TerraformLocal(this, "role_prefix", props.namePrefix);
    const partition = new TerraformLocal(this, "partition", props.partition);
    const local = (l: TerraformLocal) => `local.${l.friendlyUniqueId}`;
    const arn = (nameAttr: string, suffix: string) =>
      `"arn:\${${local(partition)}}:iam::\${a.id}:role/\${coalesce(a.${nameAttr}, "\${${local(prefix)}}${suffix}")}"`;
    const K = LinkedAccountKey;
    const accounts = new TerraformLocal(
      this,
      "accounts",
      listExpr(
        `[for a in ${local(input)} : { ${K.ID} = a.id, ${K.REGIONS} = a.regions, ${K.READ_ROLE_ARN} = ${arn("read_role_name", WorkloadRoleSuffix.READ)}, ${K.DEPLOY_ROLE_ARN} = ${arn("deploy_role_name", WorkloadRoleSuffix.DEPLOY)}, ${K.EXTERNAL_ID} = a.external_id }]`,
      ),
    );
    const any = not(literal ? props.accounts.length === 0 : Op.lt(Fn.lengthOf(input.asList), 1));
    this.environmentValue = Token.asString(Fn.jsonencode(accounts.expression));

    const assumeDocument = (docId: string, sid: string, key: string, enabled: Toggle) => {
      const doc = new DataAwsIamPolicyDocument(this, docId, {
        count: countOf(both(enabled, any)),
        statement: [
          {
            sid,
            actions: ["sts:AssumeRole"],
            resources: listExpr(`[for a in ${local(accounts)} : a.${key}]`),
          },
        ],
      });
      return listExpr(`data.aws_iam_policy_document.${doc.friendlyUniqueId}[*].json`);
    };
    this.trackerPolicyDocuments = assumeDocument(
      "tracker_assume_policy",
      "AssumeOnlyLinkedAccountsReadRoles",
      K.READ_ROLE_ARN,
      props.trackerEnabled,
    );
    this.deployerPolicyDocuments = assumeDocument(
      "deployer_assume_policy",
      "AssumeOnlyLinkedAccountsDeployRoles",
      K.DEPLOY_ROLE_ARN,
      props.deployerEnabled,
    );

    // The home default bus accepts PutEvents from the linked accounts only.
    const busCount = countOf(
      both(both(props.createEventBusPolicy ?? true, props.trackerEnabled), any),
    );
    // The document exists whenever events can come, so that its output serves users who
    // write the bus policy themselves.
    const busPolicy = new DataAwsIamPolicyDocument(this, "event_bus_policy", {
      count: countOf(both(props.trackerEnabled, any)),
    });
    const organization = props.organizationId;
    busPolicy.addOverride("statement", [
      {
        sid: "LinkedAccountsPutEvents",
        effect: "Allow",
        actions: ["events:PutEvents"],
        resources: [props.homeEventBusArn],
        principals: [
          { type: "AWS", identifiers: listExpr(`[for a in ${local(accounts)} : a.id]`) },
        ],
        dynamic: {
          condition: {
            for_each:
              organization === undefined
                ? []
                : Token.isUnresolved(organization)
                  ? Fn.conditional(Op.eq(organization, Token.nullValue()), [], [organization])
                  : [organization],
            content: {
              test: "StringEquals",
              variable: "aws:PrincipalOrgID",
              values: ["${condition.value}"],
            },
          },
        },
      },
    ]);
    this.eventBusPolicy = attr(busPolicy, "json");
    new CloudwatchEventBusPolicy(this, "event_bus", {
      count: busCount,
      eventBusName: "default",
      policy: attr(busPolicy, "json"),
    });
  }
}
