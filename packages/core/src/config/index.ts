export * from "./key-catalog";
export * from "./limits";
export * from "./table-shape";
export * from "./entity-keys";
