import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError } from "./exit-codes";

// Where the CLI finds Coffer and its token: --url, then the environment (COFFER_URL, COFFER_TOKEN,
// COFFER_WEB_URL), then a profile file. The token is never a flag, so it stays out of `ps` and
// shell history. The profile file holds tokens, so it must be readable by its owner alone (0600),
// as ssh insists for its keys; any other mode is refused, never silently used.

export interface Profile {
  url?: string;
  token?: string;
  /** The web app's origin, for the links of `bin create` (defaults to the API URL). */
  webUrl?: string;
}

export interface ConfigSources {
  env: NodeJS.ProcessEnv;
  /** --url */
  url?: string | undefined;
  /** --profile */
  profile?: string | undefined;
}

export const profileFileOf = (env: NodeJS.ProcessEnv) =>
  env.COFFER_PROFILE_FILE ??
  join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), ".config"), "coffer", "profiles.json");

/** The named profile from the profile file; undefined when there is no file (and none was asked for). */
export function readProfile(path: string, name: string, required: boolean): Profile | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    if (required) throw new CliError("usage", `No profile file at ${path}: create it with \`coffer login\`.`);
    return undefined;
  }
  if ((stats.mode & 0o077) !== 0) {
    throw new CliError(
      "auth",
      `The profile file ${path} can be read by other users (mode ${(stats.mode & 0o777).toString(8)}); it holds tokens. Run \`chmod 600 ${path}\` and retry.`,
      "profile_unsafe",
    );
  }
  if (typeof process.getuid === "function" && stats.uid !== process.getuid()) {
    throw new CliError(
      "auth",
      `The profile file ${path} belongs to another user; use your own.`,
      "profile_unsafe",
    );
  }
  let profiles: Record<string, Profile>;
  try {
    profiles = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new CliError(
      "usage",
      `The profile file ${path} is not valid JSON: fix it or write it again with \`coffer login\`.`,
    );
  }
  const profile = profiles?.[name];
  if (!profile || typeof profile !== "object") {
    if (required) throw new CliError("usage", `The profile file ${path} has no profile "${name}".`);
    return undefined;
  }
  return profile;
}

export interface ResolvedConfig {
  url: string;
  /** The web app's origin for links: COFFER_WEB_URL, the profile's webUrl, or the API URL. */
  webUrl(): string;
  /** Read on demand, so commands that need no token (bins, seal) run without one. */
  token(): string;
}

export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const { env } = sources;
  const profileName = sources.profile ?? env.COFFER_PROFILE;
  let loaded: Profile | undefined | null = null;
  // Read only when something is missing or a profile was named, so env-only use never touches it.
  const profile = () => {
    if (loaded === null) loaded = readProfile(profileFileOf(env), profileName ?? "default", !!profileName);
    return loaded ?? {};
  };
  const url = sources.url ?? (profileName ? undefined : env.COFFER_URL) ?? profile().url ?? env.COFFER_URL;
  if (!url)
    throw new CliError(
      "usage",
      "Coffer's URL is not set: set COFFER_URL, pass --url, or save a profile with `coffer login`.",
    );
  if (!/^https?:\/\//.test(url))
    throw new CliError("usage", `The URL "${url}" must start with https:// (or http:// locally).`);
  return {
    url: url.replace(/\/+$/, ""),
    webUrl: () => (env.COFFER_WEB_URL ?? profile().webUrl ?? url).replace(/\/+$/, ""),
    token: () => {
      const token = (profileName ? undefined : env.COFFER_TOKEN) ?? profile().token ?? env.COFFER_TOKEN;
      if (!token)
        throw new CliError(
          "auth",
          "No token: set COFFER_TOKEN, or save one in a profile with `coffer login` (it reads the token from stdin).",
          "token_missing",
        );
      return token;
    },
  };
}
