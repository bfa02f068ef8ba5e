export * from "./schemas";
export * from "./service";
export * from "./new-record";
export * from "./put-sealed";
