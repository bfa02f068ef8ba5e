import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { ApiProvider } from "./api";
import { readFragment } from "./fragment";

const fragment = readFragment();
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
