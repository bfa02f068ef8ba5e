import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, TRPCClientError } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import { type ReactNode, useState } from "react";
import { type AppRouter, cofferLinks } from "@coffer/client";
import { apiUrl, TRPCProvider } from "../api";

// The console's own tRPC client and query cache, made for one signed-in token. Nested inside the
// public ApiProvider, its TRPCProvider wins for everything under /admin, so every console call
// carries the token and no public page's call ever does. Signing out unmounts both, so nothing
// fetched with the token outlives it.

export type AdminOutputs = inferRouterOutputs<AppRouter>["admin"];

/** UNAUTHORIZED means the token itself was refused (wrong, revoked or expired), not a missing right. */
export function isTokenRefused(error: unknown): boolean {
  return (
    error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "UNAUTHORIZED"
  );
}

export function AdminApiProvider({
  token,
  onTokenRefused,
  children,
}: {
  token: string;
  /** Called when any call answers UNAUTHORIZED: the console signs out and says why. */
  onTokenRefused: () => void;
  children: ReactNode;
}) {
  const [queryClient] = useState(() => {
    const refused = (error: unknown) => {
      if (isTokenRefused(error)) onTokenRefused();
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError: refused }),
      mutationCache: new MutationCache({ onError: refused }),
      defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
    });
  });
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: cofferLinks({ url: apiUrl, token }) }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
