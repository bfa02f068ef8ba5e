// What `sst dev`/`sst deploy` would generate from the links in infra/ (they need AWS, so this copy
// is kept by hand). The names come from links.ts, as infra's and the local stack's do; the shapes
// must match what infra/kms.ts and infra/storage.ts link.
import "sst";
import type { linkNames } from "./src/links";
export {};
declare module "sst" {
  export interface Resource {
    [linkNames.table]: { type: "sst.aws.Dynamo"; name: string };
    [linkNames.keys]: { type: "sst.sst.Linkable"; keys: Record<string, string>; seal: string };
    [linkNames.binObjects]: { type: "sst.aws.Bucket"; name: string };
  }
}
