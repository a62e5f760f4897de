/**
 * IAM on moto_server: users with policies, and moto's switch that makes it check every
 * call's signature and permissions. moto evaluates Allow and Deny by action; for most
 * services (SSM among them) it matches no resource ARNs, so a Deny covers the action on
 * every resource. IAM is reached over its Query protocol, which needs no SDK client.
 */

/** An access key, as the SDK clients' `credentials` take it. */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Calls one IAM Query action on moto (unsigned: moto checks nothing while authentication is off). */
async function iamAction(endpoint: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      // moto routes a request by the service in the credential scope.
      authorization:
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: new URLSearchParams({ Version: "2010-05-08", ...params }).toString(),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`IAM ${params.Action} on moto failed: ${body}`);
  return body;
}

function element(xml: string, name: string): string {
  const match = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml);
  if (!match?.[1]) throw new Error(`no <${name}> in moto's answer: ${xml}`);
  return match[1];
}

/**
 * Creates an IAM user with one inline policy and returns its access key; call it while
 * moto's authentication is off.
 */
export async function createMotoUser(
  endpoint: string,
  userName: string,
  policy: { Version: string; Statement: readonly Record<string, unknown>[] },
): Promise<AccessKey> {
  await iamAction(endpoint, { Action: "CreateUser", UserName: userName });
  await iamAction(endpoint, {
    Action: "PutUserPolicy",
    UserName: userName,
    PolicyName: `${userName}-policy`,
    PolicyDocument: JSON.stringify(policy),
  });
  const key = await iamAction(endpoint, { Action: "CreateAccessKey", UserName: userName });
  return {
    accessKeyId: element(key, "AccessKeyId"),
    secretAccessKey: element(key, "SecretAccessKey"),
  };
}

/**
 * Turns moto's authentication on (every call must be signed by a known user and allowed
 * by its policies) or off again (moto's default).
 */
export async function setMotoAuthentication(endpoint: string, on: boolean): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset-auth`, {
    method: "POST",
    body: on ? "0" : "inf",
  });
  if (!response.ok) throw new Error(`moto reset-auth failed: ${await response.text()}`);
}
