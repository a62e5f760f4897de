import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { isAwsErrorNamed } from "../errors.js";

/** The value of an SSM parameter; null when it does not exist. */
export async function parameterValue(ssm: SSMClient, name: string): Promise<string | null> {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    return Parameter?.Value ?? null;
  } catch (error) {
    if (isAwsErrorNamed(error, "ParameterNotFound")) return null;
    throw error;
  }
}
