import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { countOf, type Toggle } from "./event-driven-function.js";
import { attr } from "./terraform.js";

/** Properties of {@link EventForwardingRole}. */
export interface EventForwardingRoleProps {
  /**
   * Whether to create the role.
   * @default true
   */
  readonly enabled?: Toggle;
  /** The role name. */
  readonly roleName: string;
  /** The only bus the role may put events on: the home region's default bus. */
  readonly homeEventBusArn: string;
  /**
   * Tags for every resource.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

/** The role EventBridge rules in other regions assume to forward events to the home bus. */
export class EventForwardingRole extends Construct {
  /** The role's ARN (null when disabled). */
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: EventForwardingRoleProps) {
    super(scope, id);
    const count = countOf(props.enabled ?? true);
    const assume = new DataAwsIamPolicyDocument(this, "assume_role", {
      count,
      statement: [
        {
          sid: "EventBridgeAssumesRole",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        },
      ],
    });
    const role = new IamRole(this, "role", {
      count,
      name: props.roleName,
      description:
        "Forwards ECS and ECR events from other regions to the home region's default event bus",
      assumeRolePolicy: attr(assume, "json"),
      tags: props.tags ?? {},
    });
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      count,
      statement: [
        {
          sid: "PutEventsOnHomeBusOnly",
          actions: ["events:PutEvents"],
          resources: [props.homeEventBusArn],
        },
      ],
    });
    new IamRolePolicy(this, "role_policy", {
      count,
      name: props.roleName,
      role: attr(role, "id"),
      policy: attr(policy, "json"),
    });
    this.roleArn = attr(role, "arn");
  }
}
