// What `sst dev`/`sst deploy` would generate from the links in infra/ (they need AWS, so this copy
// is kept by hand; keep it in step with infra/api.ts).
import "sst";
export {};
declare module "sst" {
  export interface Resource {
    Table: { type: "sst.aws.Dynamo"; name: string };
    Keys: { type: "sst.sst.Linkable"; keys: Record<string, string>; seal: string };
  }
}
