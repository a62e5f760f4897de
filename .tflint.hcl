# tflint configuration for the generated module (terraform/) and the HCL examples
# (examples/*/), run by scripts/check-terraform.sh as `tflint --chdir=<dir>`.
#
# Only the terraform ruleset bundled inside the tflint binary is used: `tflint --init`
# downloads plugins from GitHub, which this project's machines cannot reach, so there is
# no `source`/`version` here and no aws ruleset.

config {
  # Evaluate the local module call in the examples (source = "../../terraform") too.
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  # All rules, as terraform-aws-modules do. None is disabled:
  # - terraform_standard_module_structure works on the examples (main.tf, variables.tf,
  #   outputs.tf) and skips itself on terraform/, whose files are all *.tf.json (the rule
  #   treats JSON as generated and does not ask for main.tf/variables.tf/outputs.tf there).
  # - terraform_json_syntax checks terraform/*.tf.json as JSON configuration.
  preset = "all"
}

# terraform-aws-modules' naming: snake_case everywhere (the preset's default format),
# stated here so a change of the default cannot loosen it silently.
rule "terraform_naming_convention" {
  enabled = true
  format  = "snake_case"
}
