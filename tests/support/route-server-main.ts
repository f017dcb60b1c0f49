// A separate app process for tests: the API's route handlers on ROUTE_SERVER_PORT (or any
// free port), on DATABASE_URL. Prints "listening <url>" once it accepts connections.
//   node --import tsx --conditions=react-server tests/support/route-server-main.ts
import { startRouteServer } from "./route-server";

const server = await startRouteServer({ port: Number(process.env.ROUTE_SERVER_PORT ?? 0) });
console.log(`listening ${server.url}`);
