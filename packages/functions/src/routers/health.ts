import { publicProcedure, scoped } from "../trpc";

/** Up or down, nothing more, from a check each instance makes at most every few seconds. */
export const health = publicProcedure.query(({ ctx }) => ctx.services.health.status());

/** Each dependency with its latency, the stage and the version: for administrators only. */
export const healthDetails = scoped("admin").query(({ ctx }) => ctx.services.health.details());
