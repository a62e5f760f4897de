/**
 * Returns a function that gives one client per region, created on first use and then
 * reused, so connections and credentials are shared across invocations.
 *
 * @example
 * const ecsIn = regionalClients((region) => new ECSClient({ region }));
 * await ecsIn("eu-west-1").send(...);
 */
export function regionalClients<Client>(
  create: (region: string) => Client,
): (region: string) => Client {
  const cache = new Map<string, Client>();
  return (region: string): Client => {
    let client = cache.get(region);
    if (client === undefined) {
      client = create(region);
      cache.set(region, client);
    }
    return client;
  };
}
