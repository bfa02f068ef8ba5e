export * from "./launcher";
