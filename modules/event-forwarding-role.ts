import { Construct } from "constructs";
import { serviceRole } from "./service-role.js";
import { attr, countOf, type Toggle } from "./terraform.js";

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
    const { role } = serviceRole(this, {
      count: countOf(props.enabled ?? true),
      name: props.roleName,
      description:
        "Forwards ECS and ECR events from other regions to the home region's default event bus",
      service: "events.amazonaws.com",
      trustSid: "EventBridgeAssumesRole",
      statements: [
        {
          sid: "PutEventsOnHomeBusOnly",
          actions: ["events:PutEvents"],
          resources: [props.homeEventBusArn],
        },
      ],
      tags: props.tags ?? {},
    });
    this.roleArn = attr(role, "arn");
  }
}
