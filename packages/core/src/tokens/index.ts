export * from "./caller";
export * from "./schemas";
export * from "./service";
export * from "./bootstrap";
