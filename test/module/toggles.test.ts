import { describe, expect, it } from "vitest";
import { entries, mergedModule } from "../support/module.js";

const module = mergedModule();
const all = [...entries(module, "resource"), ...entries(module, "data")];

describe("turning a function off", () => {
  it.each([
    ["tracker", "var.create_tracker"],
    ["deployer", "var.create_deployer"],
  ])("removes every %s resource (all are counted by %s)", (prefix, toggle) => {
    // Prepare
    const owned = all.filter(([, name]) => name.startsWith(`${prefix}_`));

    // Assess
    expect(owned.length).toBeGreaterThan(12);
    for (const [type, name, body] of owned) {
      const gate = body.count ?? body.for_each;
      expect(gate, `${type}.${name} has count or for_each`).toBeDefined();
      expect(String(gate), `${type}.${name}`).toContain(toggle);
    }
  });

  it("removes the forwarding role when both functions are off or no other region is handled", () => {
    // Prepare
    const owned = all.filter(([, name]) => name.startsWith("event_forwarding_"));

    // Assess
    expect(owned.length).toBe(4);
    for (const [, , body] of owned) {
      expect(body.count).toBe(
        "${((var.create_tracker || var.create_deployer) && !(length(local.forward_regions) < 1)) ? 1 : 0}",
      );
    }
  });

  it("leaves only the account, partition and region look-ups uncounted", () => {
    // Assess
    const uncounted = all.filter(
      ([, , body]) => body.count === undefined && body.for_each === undefined,
    );
    expect(uncounted.map(([type, name]) => `${type}.${name}`).sort()).toEqual([
      "aws_caller_identity.current_account",
      "aws_partition.current_partition",
      "aws_region.current_region",
    ]);
  });
});

describe("multi-region", () => {
  it("forwards from every listed region except the home region", () => {
    // Assess
    expect(module.locals.forward_regions).toBe(
      "${[for r in distinct(var.regions) : r if r != data.aws_region.current_region.region]}",
    );
    expect(module.locals.all_regions).toBe(
      "${distinct(concat([data.aws_region.current_region.region], var.regions))}",
    );
  });

  it("creates a forwarding rule and target in each other region, and nothing else there", () => {
    // Prepare
    const elsewhere = all.filter(([, , body]) => body.region !== undefined);

    // Assess
    expect(elsewhere.map(([type, name]) => `${type}.${name}`).sort()).toEqual([
      "aws_cloudwatch_event_rule.deployer_forward_rule",
      "aws_cloudwatch_event_rule.tracker_forward_rule",
      "aws_cloudwatch_event_target.deployer_forward_target",
      "aws_cloudwatch_event_target.tracker_forward_target",
    ]);
    for (const [, name, body] of elsewhere) {
      const fn = name.split("_")[0];
      expect(body.region).toBe("${each.value}");
      expect(body.for_each).toBe(
        `\${toset(var.create_${fn === "tracker" ? "tracker" : "deployer"} ? local.forward_regions : [])}`,
      );
    }
  });

  it("sends forwarded events to the home region's default bus with the forwarding role", () => {
    // Assess
    for (const fn of ["tracker", "deployer"]) {
      const target = module.resource.aws_cloudwatch_event_target[`${fn}_forward_target`];
      expect(target.arn).toMatch(
        /:events:\$\{data\.aws_region\.current_region\.region\}:.*:event-bus\/default$/,
      );
      expect(target.role_arn).toBe("${one(aws_iam_role.event_forwarding_role[*].arn)}");
      expect(target.rule).toBe(`\${aws_cloudwatch_event_rule.${fn}_forward_rule[each.key].name}`);
    }
  });
});

describe("the deployer's concurrency", () => {
  it("is reserved at 1 by default and unreserved when the input is null", () => {
    // Assess
    expect(module.variable.deployer_reserved_concurrency.default).toBe(1);
    expect(
      module.resource.aws_lambda_function.deployer_function.reserved_concurrent_executions,
    ).toBe(
      "${(var.deployer_reserved_concurrency == null) ? -1 : var.deployer_reserved_concurrency}",
    );
    expect(
      module.resource.aws_lambda_function.tracker_function.reserved_concurrent_executions,
    ).toBe(-1);
  });
});

describe("the DLQs", () => {
  it.each(["tracker", "deployer"])(
    "%s's queue leaves sqs_managed_sse_enabled unset when a customer KMS key is given",
    (fn) => {
      // Assess: SQS refuses both, and an explicit false still counts as set.
      const queue = module.resource.aws_sqs_queue[`${fn}_dlq`];
      expect(queue.kms_master_key_id).toBe("${var.kms_key_arn}");
      expect(queue.sqs_managed_sse_enabled).toBe("${(var.kms_key_arn == null) ? true : null}");
    },
  );
});

describe("variables", () => {
  it("validate every free-form string, ARN and list a user passes", () => {
    // Prepare
    const mustValidate = [
      "name_prefix",
      "regions",
      "kms_key_arn",
      "log_retention_in_days",
      "log_level",
      "tracker_endpoint_url",
      "tracker_api_key_header",
      "api_key_secret_arn",
      "tracker_ecr_account_ids",
      "deployer_allowed_clusters",
      "deployer_opt_in_tag_key",
      "deployer_default_tag_pattern",
      "deployer_image_pin",
      "deployer_passable_role_arns",
    ];

    // Assess
    for (const name of mustValidate) {
      expect(module.variable[name]?.validation?.length, name).toBeGreaterThan(0);
    }
  });

  it("refuse a plain-http endpoint by an https-only rule", () => {
    // Assess
    expect(module.variable.tracker_endpoint_url.validation[0].condition).toContain("^https://");
  });

  it("keep the API key sensitive", () => {
    // Assess
    expect(module.variable.api_key.sensitive).toBe(true);
    expect(JSON.stringify(module.output)).not.toContain("var.api_key}");
  });
});
