import { describe, expect, it } from "vitest";
import { classifyAwsError, isThrottlingError } from "../../functions/shared/aws-errors.js";

const sdkError = (name: string, status?: number, fault?: "client" | "server", message = "x") =>
  Object.assign(new Error(message), {
    name,
    ...(fault && { $fault: fault }),
    ...(status !== undefined && { $metadata: { httpStatusCode: status } }),
  });

describe("isThrottlingError", () => {
  it.each([
    ["ThrottlingException", sdkError("ThrottlingException", 400, "client", "Rate exceeded"), true],
    [
      "a ClientException saying Rate exceeded",
      sdkError("ClientException", 400, "client", "Rate exceeded"),
      true,
    ],
    ["TooManyRequestsException", sdkError("TooManyRequestsException"), true],
    ["an HTTP 429", sdkError("SomethingElse", 429, "client"), true],
    [
      "an error the SDK marks as throttling",
      Object.assign(new Error("x"), { name: "E", $retryable: { throttling: true } }),
      true,
    ],
    ["another error", new Error("other"), false],
    ["AccessDeniedException", sdkError("AccessDeniedException", 400, "client"), false],
    ["undefined", undefined, false],
  ])("returns whether %s is throttling", (_label, error, expected) => {
    // Act
    const throttled = isThrottlingError(error);

    // Assess
    expect(throttled).toBe(expected);
  });
});

describe("classifyAwsError", () => {
  it.each([
    ["AccessDeniedException", sdkError("AccessDeniedException", 400, "client"), "access-denied"],
    ["AccessDenied", sdkError("AccessDenied", 403, "client"), "access-denied"],
    ["UnauthorizedOperation", sdkError("UnauthorizedOperation", 403, "client"), "access-denied"],
    // The SDK counts AccessDeniedException among clock-skew errors; still never retryable.
    [
      "AccessDeniedException after a clock-skew correction",
      Object.assign(sdkError("AccessDeniedException", 400, "client"), {
        $metadata: { httpStatusCode: 400, clockSkewCorrected: true },
      }),
      "access-denied",
    ],
    ["ThrottlingException", sdkError("ThrottlingException", 400, "client"), "throttling"],
    ["a 500", sdkError("ServerException", 500, "server"), "unavailable"],
    ["a 503", sdkError("ServiceUnavailable", 503, "server"), "unavailable"],
    [
      "a network error without an answer",
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      "unavailable",
    ],
    ["a timeout", sdkError("TimeoutError"), "unavailable"],
    ["InvalidParameterException", sdkError("InvalidParameterException", 400, "client"), "refused"],
    ["ClusterNotFoundException", sdkError("ClusterNotFoundException", 400, "client"), "refused"],
  ])("classifies %s as %s", (_label, error, kind) => {
    // Act
    const info = classifyAwsError(error);

    // Assess
    expect(info.kind).toBe(kind);
    expect(info.retryable).toBe(kind === "throttling" || kind === "unavailable");
  });

  it("keeps the error's name and message", () => {
    // Act
    const info = classifyAwsError(sdkError("ClientException", 400, "client", "Unable to describe"));

    // Assess
    expect(info).toMatchObject({ name: "ClientException", message: "Unable to describe" });
  });

  it("treats a thrown non-error as unavailable, naming it Error", () => {
    // Act
    const info = classifyAwsError("boom");

    // Assess
    expect(info).toEqual({ kind: "unavailable", name: "Error", message: "boom", retryable: true });
  });
});
