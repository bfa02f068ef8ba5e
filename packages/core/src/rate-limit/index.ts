export * from "./service";
export * from "./pepper";
