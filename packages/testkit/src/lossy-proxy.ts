import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";

// A TCP proxy that loses answers: it forwards a request in full to the server behind it (which
// applies it), then resets the client's connection when the answer starts to come back, so the
// answer never arrives. To the client this is a real network fault (ECONNRESET after the request
// was sent), the case where a write happened but its caller cannot know: the AWS SDK retries it.
// It works on bytes only and recognises a request by strings in it (for DynamoDB, the operation in
// the X-Amz-Target header, e.g. "DynamoDB_20120810.PutItem", and the entity in the body). Plain
// HTTP only; one request at a time per connection, as the SDK's keep-alive connections send them.

export interface LossyProxy {
  url: string;
  /**
   * Loses the answers of the next `count` requests that contain every one of `markers`. A retry is
   * a request too: with a count of 1 the retry of the request whose answer was lost gets through.
   */
  loseAnswers(markers: string | readonly string[], count?: number): void;
  /** Answers lost so far. */
  readonly lostAnswers: number;
  /** Requests that contained a marker armed at the time, answered or not. */
  readonly matchedRequests: number;
  close(): Promise<void>;
}

export async function startLossyProxy(target: string): Promise<LossyProxy> {
  const { hostname, port } = new URL(target);
  const armed: { markers: readonly string[]; left: number }[] = [];
  const sockets = new Set<Socket>();
  let lostAnswers = 0;
  let matchedRequests = 0;

  const server: Server = createServer((client) => {
    const upstream = connect({ host: hostname, port: Number(port) });
    sockets.add(client).add(upstream);
    // The bytes of the request in flight on this connection, reset when its answer begins.
    let request = "";
    let doomed = false;
    client.on("data", (chunk: Buffer) => {
      request += chunk.toString("latin1");
      if (!doomed) {
        for (const fault of armed) {
          if (fault.left > 0 && fault.markers.every((marker) => request.includes(marker))) {
            fault.left--;
            matchedRequests++;
            doomed = true;
            break;
          }
        }
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (doomed) {
        // The server has the whole request (it is answering): drop the answer and reset.
        lostAnswers++;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      request = "";
      client.write(chunk);
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", closeBoth).on("error", closeBoth);
    upstream.on("close", closeBoth).on("error", closeBoth);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: proxyPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    loseAnswers(markers, count = 1) {
      armed.push({ markers: typeof markers === "string" ? [markers] : markers, left: count });
    },
    get lostAnswers() {
      return lostAnswers;
    },
    get matchedRequests() {
      return matchedRequests;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
