import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { ApiProvider } from "./api";
import { takeFragment } from "./fragment";

// Before anything renders: StrictMode runs initialisers twice, and the second run would find the
// fragment already wiped.
const fragment = takeFragment();
// Opening a bin link again in the same tab changes only the fragment, which does not load the page:
// load it, so the new fragment is taken (and wiped) like the first.
window.addEventListener("hashchange", () => window.location.reload());

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApiProvider>
      <App pathname={window.location.pathname} fragment={fragment} />
    </ApiProvider>
  </StrictMode>,
);
