/**
 * The root module's inputs for linked workload accounts, as data (spread into
 * `MODULE_VARIABLES`; kept apart so that the linked-account inputs live in one place).
 */
import { WorkloadRoleSuffix } from "../functions/shared/contract.js";
import {
  EXTERNAL_ID,
  EXTERNAL_ID_MAX_LENGTH,
  IAM_ROLE_NAME,
  ORGANIZATION_ID,
} from "../functions/shared/grammar.js";
import { LINKED_ACCOUNTS_TYPE } from "./linked-accounts.js";
import { Rule, type VariableSpec } from "./terraform.js";
import { PATTERNS } from "./validation.js";

const each = (condition: string) => (ref: string) => `alltrue([for a in ${ref} : ${condition}])`;

export const LINKED_ACCOUNTS_VARIABLES = {
  linkedAccounts: {
    name: "linked_accounts",
    type: LINKED_ACCOUNTS_TYPE,
    description: `List of linked workload accounts, each with the workload-account module applied: id, the regions it forwards events from, optionally the names of its roles (default <name_prefix>${WorkloadRoleSuffix.READ} and <name_prefix>${WorkloadRoleSuffix.DEPLOY}) and the external_id its roles require. The tracker records their deployments through the read role; events from any other account are refused.`,
    default: [],
    validation: [
      {
        condition: each(Rule.matches(PATTERNS.accountId)("a.id")),
        errorMessage: "Each linked_accounts entry's id must be a 12-digit AWS account ID.",
      },
      {
        condition: (ref) => `length(distinct([for a in ${ref} : a.id])) == length(${ref})`,
        errorMessage: "Each account may be listed in linked_accounts once.",
      },
      {
        condition: each(
          `length(a.regions) > 0 && ${Rule.eachMatches("r", PATTERNS.region)("a.regions")}`,
        ),
        errorMessage:
          "Each linked_accounts entry needs regions: one or more AWS region names such as eu-west-1.",
      },
      {
        condition: each(
          `(a.read_role_name == null ? true : ${Rule.matches(IAM_ROLE_NAME)("a.read_role_name")}) && (a.deploy_role_name == null ? true : ${Rule.matches(IAM_ROLE_NAME)("a.deploy_role_name")})`,
        ),
        errorMessage:
          "The read_role_name and deploy_role_name of a linked_accounts entry must be IAM role names (1-64 letters, digits and _+=,.@-), not ARNs.",
      },
      {
        condition: each(
          `a.external_id == null ? true : ${Rule.matches(EXTERNAL_ID)("a.external_id")} && length(a.external_id) <= ${EXTERNAL_ID_MAX_LENGTH}`,
        ),
        errorMessage: `The external_id of a linked_accounts entry must be 2-${EXTERNAL_ID_MAX_LENGTH} characters of letters, digits and _+=,.@:/-.`,
      },
    ],
  },
  organizationId: {
    name: "organization_id",
    type: "string",
    description:
      "The AWS Organizations id (o-...) of the linked accounts: the event bus then accepts their events only from inside the organization. Null accepts the linked accounts wherever they are.",
    default: null,
    validation: [
      {
        condition: Rule.nullOrMatches(ORGANIZATION_ID),
        errorMessage: "The organization_id must be an organization id such as o-a1b2c3d4e5.",
      },
    ],
  },
  createEventBusPolicy: {
    name: "create_event_bus_policy",
    type: "bool",
    description:
      "Whether to write the home default event bus's resource policy that accepts the linked accounts' events (when linked_accounts is not empty). It replaces any other policy of that bus: set false and add the statement to your own policy if you manage one.",
    default: true,
  },
} as const satisfies Record<string, VariableSpec>;
