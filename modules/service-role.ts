import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { Construct } from "constructs";
import { attr } from "./terraform.js";

/** Properties of {@link serviceRole}. */
export interface ServiceRoleProps {
  /** The `count` of every resource (0 or 1, or a token). */
  readonly count: number;
  /** The role's name; also names its inline policy. */
  readonly name: string;
  readonly description: string;
  /** The AWS service that assumes the role (`lambda.amazonaws.com`). */
  readonly service: string;
  /** The sid of the trust statement (`LambdaAssumesRole`). */
  readonly trustSid: string;
  /** The statements of the inline policy. */
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  /** Further policy documents (JSON) merged into the inline policy. */
  readonly sourcePolicyDocuments?: string[];
  readonly tags: Record<string, string>;
}

/** The resources of a service role, for the callers that need more than its ARN. */
export interface ServiceRole {
  readonly role: IamRole;
  readonly policy: DataAwsIamPolicyDocument;
  readonly rolePolicy: IamRolePolicy;
}

/**
 * A role one AWS service assumes, with one inline policy, as four resources in `scope`:
 * `assume_role` and `policy` documents, `role` and `role_policy`. Ids are fixed: the
 * addresses of existing roles must not change.
 */
export function serviceRole(scope: Construct, props: ServiceRoleProps): ServiceRole {
  const { count } = props;
  const assume = new DataAwsIamPolicyDocument(scope, "assume_role", {
    count,
    statement: [
      {
        sid: props.trustSid,
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [props.service] }],
      },
    ],
  });
  const role = new IamRole(scope, "role", {
    count,
    name: props.name,
    description: props.description,
    assumeRolePolicy: attr(assume, "json"),
    tags: props.tags,
  });
  const policy = new DataAwsIamPolicyDocument(scope, "policy", {
    count,
    sourcePolicyDocuments: props.sourcePolicyDocuments,
    statement: props.statements,
  });
  const rolePolicy = new IamRolePolicy(scope, "role_policy", {
    count,
    name: props.name,
    role: attr(role, "id"),
    policy: attr(policy, "json"),
  });
  return { role, policy, rolePolicy };
}
