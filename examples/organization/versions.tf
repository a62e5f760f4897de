terraform {
  # 1.11 is the first release with write-only attributes, which the module uses for the API key.
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}
