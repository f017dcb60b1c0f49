import "server-only";
import type { Agent } from "node:http";
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from "request-filtering-agent";

// Agents for requests to user-given URLs (the HTTP provider). request-filtering-agent checks
// the address a connection actually goes to, after DNS resolution and at connect time, so a
// host that resolves to a public address when checked and a private one when used (DNS
// rebinding) is still refused. Refused: every address that is not public unicast (private,
// loopback, link-local and so cloud metadata at 169.254.169.254, unique-local IPv6, CGNAT,
// IPv4-mapped IPv6, reserved and unspecified). GLAZE_ALLOW_PRIVATE_HTTP=1 lifts it for
// development and tests, whose servers listen on 127.0.0.1.

const common = { keepAlive: true, maxSockets: 32 };
const strict = { http: new RequestFilteringHttpAgent(common), https: new RequestFilteringHttpsAgent(common) };
const open = {
  http: new RequestFilteringHttpAgent({ ...common, allowPrivateIPAddress: true, allowMetaIPAddress: true }),
  https: new RequestFilteringHttpsAgent({ ...common, allowPrivateIPAddress: true, allowMetaIPAddress: true }),
};

export function agentFor(url: URL, { allowPrivate }: { allowPrivate: boolean }): Agent {
  const agents = allowPrivate ? open : strict;
  return url.protocol === "https:" ? agents.https : agents.http;
}

/** True when an error is the filtering agent refusing an address. */
export function isBlockedAddress(error: unknown): boolean {
  return /is not allowed\. Because/.test(String((error as Error)?.message ?? ""));
}
