export * from "./key-catalog";
export * from "./limits";
export * from "./table-shape";
