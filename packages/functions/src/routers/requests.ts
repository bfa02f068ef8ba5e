import {
  CreateRequestInput,
  ListRequestsInput,
  RequestLinkInput,
  SubmitRequestInput,
} from "@coffer/core/requests";
import { publicProcedure, scoped } from "../trpc";

// Request links (DESIGN §5.4). Making and listing them needs a token (drop or admin); the page that
// a link opens uses the public two, which need the link secret from the link's fragment.
export const requestsRouter = {
  create: scoped(["drop", "admin"])
    .input(CreateRequestInput)
    .mutation(({ ctx, input }) => ctx.services.requests.create(input, ctx.caller)),
  list: scoped(["drop", "admin"])
    .input(ListRequestsInput)
    .query(({ ctx, input }) => ctx.services.requests.list(input, ctx.caller)),
  // A mutation although it changes nothing: a query would put the link secret in the URL.
  get: publicProcedure.input(RequestLinkInput).mutation(({ ctx, input }) => ctx.services.requests.get(input)),
  submit: publicProcedure
    .input(SubmitRequestInput)
    .mutation(({ ctx, input }) => ctx.services.requests.submit(input)),
};
