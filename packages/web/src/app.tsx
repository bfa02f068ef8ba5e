import { AdminConsole } from "./admin/console";
import { CreateBinPage } from "./pages/create-bin";
import { ManageBinPage } from "./pages/manage-bin";
import { OpenBinPage } from "./pages/open-bin";
import { RequestLinkPage } from "./pages/request-link";
import { routeOf } from "./route";

/** `fragment` was read from the address bar before the first render (see fragment.ts). */
export function App({ pathname, fragment }: { pathname: string; fragment: string }) {
  const route = routeOf(pathname);
  return (
    <main className={route.page === "admin" ? "wide" : undefined}>
      <header className="site">
        <h1>
          <a href="/">Coffer</a>
        </h1>
        <span className="muted">envelope encryption as a service</span>
      </header>
      {route.page === "home" && <CreateBinPage />}
      {route.page === "open" && <OpenBinPage binId={route.binId} fragment={fragment} />}
      {route.page === "manage" && <ManageBinPage binId={route.binId} fragment={fragment} />}
      {route.page === "request" && <RequestLinkPage requestId={route.requestId} fragment={fragment} />}
      {route.page === "admin" && <AdminConsole />}
      {route.page === "not-found" && (
        <section className="card">
          <h2>Nothing here</h2>
          <p>
            This address is not a Coffer page. <a href="/">Share a secret</a> instead.
          </p>
        </section>
      )}
    </main>
  );
}
