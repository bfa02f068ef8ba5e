import { useState } from "react";
import { Link, Redirect, Route, Router, Switch, useRoute } from "wouter";
import { AdminApiProvider } from "./admin-api";
import { AuditPage } from "./audit-page";
import { HealthPage } from "./health-page";
import { KeysPage } from "./keys-page";
import { RequestsPage } from "./requests-page";
import { forgetToken, keepToken, readToken } from "./session";
import { SignIn } from "./sign-in";
import { TokensPage } from "./tokens-page";

// The admin console at /admin: sign-in, then one section per concern. wouter maps /admin/<section>
// to a page (real links: the back button, a reload and a bookmark keep the section).

const sections = [
  { path: "/keys", label: "Keys" },
  { path: "/tokens", label: "Tokens" },
  { path: "/audit", label: "Audit" },
  { path: "/requests", label: "Request links" },
  { path: "/health", label: "Health" },
] as const;

const REFUSED =
  "Coffer refused your token (it was revoked or has expired), so you were signed out. Sign in with a current admin token.";

export function AdminConsole() {
  const [token, setToken] = useState(readToken);
  const [notice, setNotice] = useState<string>();
  const signOut = (why?: string) => {
    forgetToken();
    setToken(undefined);
    setNotice(why);
  };
  if (!token)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(signedIn) => {
          keepToken(signedIn);
          setNotice(undefined);
          setToken(signedIn);
        }}
      />
    );
  return (
    // Keyed by the token: a new sign-in starts from an empty cache.
    <AdminApiProvider key={token} token={token} onTokenRefused={() => signOut(REFUSED)}>
      <Router base="/admin">
        <nav className="admin-nav" aria-label="Console sections">
          <ul>
            {sections.map((section) => (
              <li key={section.path}>
                <SectionLink path={section.path} label={section.label} />
              </li>
            ))}
          </ul>
          <button type="button" className="secondary" data-testid="sign-out" onClick={() => signOut()}>
            Sign out
          </button>
        </nav>
        <Switch>
          <Route path="/keys" component={KeysPage} />
          <Route path="/tokens" component={TokensPage} />
          <Route path="/audit" component={AuditPage} />
          <Route path="/requests" component={RequestsPage} />
          <Route path="/health" component={HealthPage} />
          <Route>
            <Redirect to="/keys" replace />
          </Route>
        </Switch>
      </Router>
    </AdminApiProvider>
  );
}

function SectionLink({ path, label }: { path: string; label: string }) {
  const [isHere] = useRoute(path);
  return (
    <Link href={path} aria-current={isHere ? "page" : undefined} data-testid={`nav-${path.slice(1)}`}>
      {label}
    </Link>
  );
}
