// What goes into each function's Lambda bundle, built as this suite builds it (testkit's
// lambda-bundle, as SST does). DESIGN §8 bounds the bundles' size and cold load, which the suite
// measures; this unit test checks, in seconds, a structure that keeps them down: the S3 client
// (~150 KB minified) is only in the function that stores bin contents.
import { expect, test } from "vitest";
import { bundleLambdas, handlerEntry, type LambdaBundle } from "@coffer/testkit/lambda-bundle";
import { type FunctionName, functionRoutes, storesBinContents } from "@coffer/functions/routes";

const s3Packages = ["node_modules/@aws-sdk/client-s3/", "node_modules/@aws-sdk/s3-request-presigner/"];

const bytesFrom = (bundle: LambdaBundle, packages: string[]) =>
  Object.entries(bundle.inputs)
    .filter(([path]) => packages.some((pkg) => path.includes(pkg)))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);

test("only the function that stores bin contents bundles the S3 client", async () => {
  const bundles = await bundleLambdas(
    Object.fromEntries(Object.entries(functionRoutes).map(([fn, route]) => [fn, handlerEntry(route)])),
  );
  for (const [fn, bundle] of Object.entries(bundles) as [FunctionName, LambdaBundle][]) {
    const s3Bytes = bytesFrom(bundle, s3Packages);
    if (storesBinContents(fn)) expect(s3Bytes, `${fn} presigns bin uploads`).toBeGreaterThan(50_000);
    else expect(s3Bytes, `${fn} bundles ${s3Bytes} bytes of the S3 client`).toBe(0);
  }
  // The api function serves bins.*; if that moved, this test would check nothing.
  expect(Object.keys(bundles).filter((fn) => storesBinContents(fn as FunctionName))).toEqual(["api"]);
});
