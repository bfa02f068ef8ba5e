export * from "./key-catalog";
export * from "./limits";
