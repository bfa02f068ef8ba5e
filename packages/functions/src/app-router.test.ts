import { expect, expectTypeOf, test } from "vitest";
import { type AppRouter, appRouter, type NoneLeft, type ProcedurePathOf, routerFor } from "./app-router";
import { functionNames, type ProcedurePath, procedureRoutes } from "./routes";
import { publicProcedure, router } from "./trpc";

// Type tests: tsc checks this file with the rest (`npm run typecheck`), so the `@ts-expect-error`
// lines below prove that the route-table check in app-router.ts fails when it should.

const toy = router({
  a: publicProcedure.query(() => 1),
  b: { c: publicProcedure.query(() => 2) },
  d: router({ e: { f: publicProcedure.mutation(() => 3) } }),
});
type ToyPath = ProcedurePathOf<typeof toy>;

test("a router's procedure paths are dotted, through nested records and routers alike", () => {
  expectTypeOf<ToyPath>().toEqualTypeOf<"a" | "b.c" | "d.e.f">();
});

test("the check refuses a procedure without a row, and a row without a procedure", () => {
  type Rows = "a" | "b.c";
  // @ts-expect-error "d.e.f" has no row
  type _ProcedureWithoutARow = NoneLeft<Exclude<ToyPath, Rows>>;
  type MoreRows = ToyPath | "b.gone";
  // @ts-expect-error "b.gone" names no procedure
  type _RowWithoutAProcedure = NoneLeft<Exclude<MoreRows, ToyPath>>;
  expectTypeOf<NoneLeft<Exclude<ToyPath, ToyPath>>>().toBeNever();
});

test("the route table names exactly the procedures of the app router", () => {
  expectTypeOf<ProcedurePathOf<AppRouter>>().toEqualTypeOf<ProcedurePath>();
  expect(Object.keys(appRouter._def.procedures).sort()).toEqual(Object.keys(procedureRoutes).sort());
});

test("the functions' routers split the app router: every procedure served, by one function", () => {
  const served = functionNames.flatMap((fn) => Object.keys(routerFor(fn)._def.procedures));
  expect(served.sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
  for (const fn of functionNames) {
    for (const path of Object.keys(routerFor(fn)._def.procedures))
      expect(procedureRoutes[path as ProcedurePath].fn).toBe(fn);
  }
});
