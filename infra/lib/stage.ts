// Per-stage rules, kept pure so that they can be tested without SST's globals.

export interface StageSettings {
  isProduction: boolean;
  /** KMS waits this long before it really deletes a removed key (7..30 days). */
  kmsDeletionWindowDays: number;
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
}

export function stageSettings(stage: string): StageSettings {
  const isProduction = stage === "production";
  return {
    isProduction,
    kmsDeletionWindowDays: isProduction ? 30 : 7,
    pointInTimeRecovery: isProduction,
    deletionProtection: isProduction,
  };
}

/** "default" → "Default", "my-key" → "MyKey": SST component names are PascalCase and unique. */
export function componentName(...parts: string[]): string {
  return parts
    .flatMap((part) => part.split(/[^a-zA-Z0-9]+/))
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("");
}
