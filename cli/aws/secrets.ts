import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { isAwsErrorNamed } from "../errors.js";

/** Whether a secret exists and has a current value. The value itself never leaves here. */
export type SecretState = "missing" | "empty" | "has-value";

/** Checks a secret without returning or printing its value. */
export async function secretState(
  secrets: SecretsManagerClient,
  secretId: string,
): Promise<SecretState> {
  try {
    await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
  } catch (error) {
    if (isAwsErrorNamed(error, "ResourceNotFoundException")) return "missing";
    throw error;
  }
  try {
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    const length = value.SecretString?.length ?? value.SecretBinary?.length ?? 0;
    return length > 0 ? "has-value" : "empty";
  } catch (error) {
    // A secret created without a value has no AWSCURRENT version.
    if (isAwsErrorNamed(error, "ResourceNotFoundException")) return "empty";
    throw error;
  }
}
