import { describe, expect, it } from "vitest";
import { CLUSTER_NAME, REGION } from "../../functions/shared/grammar.js";
import { terraformRegex } from "../../modules/terraform.js";

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
});
