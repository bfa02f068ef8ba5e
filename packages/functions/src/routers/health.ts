import { publicProcedure } from "../trpc";

export const health = publicProcedure.query(({ ctx }) => ctx.services.health.check());
