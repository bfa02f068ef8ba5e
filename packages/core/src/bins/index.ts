export * from "./schemas";
export {
  type BinMetadata,
  type BinService,
  type BinServiceDeps,
  createBinService,
  type RequestOrigin,
} from "./service";
