// The site's few public pages, chosen by pathname: no router library for three routes. Everything
// under /admin is the console, which routes its own sections (admin/console.tsx). The static host
// and the dev server both answer every path with index.html.

export type Route =
  | { page: "home" }
  | { page: "open"; binId: string }
  | { page: "manage"; binId: string }
  | { page: "request"; requestId: string }
  | { page: "admin" }
  | { page: "not-found" };

const BIN_ID = "[A-Za-z0-9_-]{22}";
const OPEN = new RegExp(`^/b/(${BIN_ID})/?$`);
const MANAGE = new RegExp(`^/b/(${BIN_ID})/manage/?$`);
const REQUEST = new RegExp(`^/r/(${BIN_ID})/?$`);
const ADMIN = /^\/admin(\/.*)?$/;

export function routeOf(pathname: string): Route {
  if (pathname === "/" || pathname === "/index.html") return { page: "home" };
  const open = OPEN.exec(pathname);
  if (open) return { page: "open", binId: open[1]! };
  const manage = MANAGE.exec(pathname);
  if (manage) return { page: "manage", binId: manage[1]! };
  const request = REQUEST.exec(pathname);
  if (request) return { page: "request", requestId: request[1]! };
  if (ADMIN.test(pathname)) return { page: "admin" };
  return { page: "not-found" };
}
