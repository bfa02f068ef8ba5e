import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { ApiProvider } from "./api";
import { forgetFragment, readFragment } from "./fragment";
import { routeOf } from "./route";

const fragment = readFragment();
// A bin's secrets stay until the reveal (open-bin.tsx). A request link's secret has no such moment,
// so it leaves the address bar at once, before the first render, as it always did.
if (routeOf(window.location.pathname).page === "request") forgetFragment();
// Opening another bin link in the same tab changes only the fragment, which does not load the page:
// load it, so the page reads the new fragment like the first.
window.addEventListener("hashchange", () => window.location.reload());

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApiProvider>
      <App pathname={window.location.pathname} fragment={fragment} />
    </ApiProvider>
  </StrictMode>,
);
