export * from "./open";
export * from "./refusals";
export * from "./schemas";
export * from "./service";
