import { HealthPage } from "./pages/health";

export function App() {
  return (
    <main>
      <header className="site">
        <h1>
          <a href="/">Coffer</a>
        </h1>
        <span className="muted">envelope encryption as a service</span>
      </header>
      <HealthPage />
    </main>
  );
}
