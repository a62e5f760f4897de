import { describe, expect, it } from "vitest";
import { CLUSTER_NAME, IAM_ROLE_ARN, REGION } from "../../functions/shared/grammar.js";
import { Rule, terraformRegex } from "../../modules/terraform.js";

describe("terraformRegex", () => {
  it("escapes every backslash, so Terraform's regex() gets the pattern's own text", () => {
    // Act & Assess
    expect(terraformRegex(REGION)).toBe("^[a-z]{2,4}(-[a-z]+)+-\\\\d{1,2}$");
    expect(terraformRegex(CLUSTER_NAME)).toBe("^[A-Za-z0-9_-]{1,255}$");
  });

  it("gives the text the module's validations hold", async () => {
    // Prepare
    const { mergedModule } = await import("../support/module.js");
    const variables = mergedModule().variable;

    // Assess: the HCL string "...\\\\d..." is the regex ...\\d...
    expect(JSON.stringify(variables.regions.validation)).toContain(
      JSON.stringify(`can(regex("${terraformRegex(REGION)}", r))`).slice(1, -1),
    );
  });

  it("writes the escaped slash of RegExp.source as a plain /", () => {
    // Act & Assess
    expect(IAM_ROLE_ARN.source).toContain("role\\/");
    expect(terraformRegex(IAM_ROLE_ARN)).toBe("^arn:aws[a-z-]*:iam::\\\\d{12}:role/.+$");
  });
});

describe("Rule", () => {
  it("renders the conditions of validation blocks in one style", () => {
    // Act & Assess
    expect(Rule.oneOf(["a", "b"])("var.x")).toBe('contains(["a", "b"], var.x)');
    expect(Rule.oneOf([1, 3])("var.n")).toBe("contains([1, 3], var.n)");
    expect(Rule.nullOrMatches(/^a$/)("var.k")).toBe('var.k == null || can(regex("^a$", var.k))');
    expect(Rule.eachMatches("r", /^\d$/)("var.l")).toBe(
      'alltrue([for r in var.l : can(regex("^\\\\d$", r))])',
    );
  });
});
