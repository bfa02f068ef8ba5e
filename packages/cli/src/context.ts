import type { Command } from "commander";
import { createCofferClient, type CofferClient } from "@coffer/client";
import { type ResolvedConfig, resolveConfig } from "./config";

// What every command gets from the global options: the configuration (read when first needed), a
// client with or without the token, and how to print.

interface GlobalOptions {
  url?: string;
  profile?: string;
  json?: boolean;
  progress?: boolean;
}

export interface CommandContext {
  json: boolean;
  /** Whether a live progress bar may be drawn (it still needs stderr to be a terminal). */
  progress: boolean;
  config(): ResolvedConfig;
  /** A client that sends the token; a missing token fails here, before any request. */
  client(): CofferClient;
  /** A client for the public procedures (bins, the seal key): no token is read or sent. */
  publicClient(): CofferClient;
}

export function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  let config: ResolvedConfig | undefined;
  const getConfig = () =>
    (config ??= resolveConfig({ env: process.env, url: options.url, profile: options.profile }));
  return {
    json: !!options.json,
    progress: options.progress !== false && !options.json,
    config: getConfig,
    client() {
      const token = getConfig().token();
      return createCofferClient({ url: getConfig().url, token });
    },
    publicClient: () => createCofferClient({ url: getConfig().url }),
  };
}
