// GET /favicon.ico – browsers ask for it whatever the page declares (Chromium after the address
// changes in place, e.g. ?view=): the app's icon is an SVG (public/favicon.svg).
export const GET = (request: Request) => Response.redirect(new URL("/favicon.svg", request.url), 308);
