import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeUrl } from "../../cli/http.js";

describe("probeUrl", () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.method === "HEAD" ? 405 : 500;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("returns reachable with the status when the server answers, whatever the status", async () => {
    // Act
    const result = await probeUrl(new URL(`${base}/workloads`), 2_000);

    // Assess
    expect(result).toEqual({ reachable: true, status: 405 });
  });

  it("returns unreachable with the network error when nothing listens", async () => {
    // Prepare
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    // Act
    const result = await probeUrl(new URL(`http://127.0.0.1:${port}/`), 2_000);

    // Assess
    expect(result).toEqual({ reachable: false, error: "ECONNREFUSED" });
  });
});
