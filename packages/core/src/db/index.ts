export * from "./table";
export * from "./clients";
