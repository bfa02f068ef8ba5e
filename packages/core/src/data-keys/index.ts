export * from "./schemas";
export * from "./data-keys";
