// The TCP side of the emulator. A plain net.Server accepts connections and hands them to the HTTP
// server, so that the listener can be closed and reopened on the same port: that is how an
// "unavailable, refuse" fault gives clients a real ECONNREFUSED.
import { type Server as HttpServer } from "node:http";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";

export interface Listener {
  port: number;
  /** The bound IP address (a host name is resolved once, so reopening needs no lookup). */
  address: string;
  /**
   * Stops accepting connections and drops the open ones, keep-alive ones included, except `spare`
   * (the control request that asked for it), which closes once it has been answered.
   */
  pause(spare?: Socket): void;
  resume(): void;
  close(): Promise<void>;
}

export async function listen(
  http: HttpServer,
  { host, port }: { host: string; port: number },
): Promise<Listener> {
  const sockets = new Set<Socket>();
  const accept = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    http.emit("connection", socket);
  };

  let tcp: Server | undefined = createServer(accept);
  await new Promise<void>((resolve, reject) => {
    tcp!.once("error", reject);
    tcp!.listen(port, host, () => {
      tcp!.off("error", reject);
      resolve();
    });
  });
  const bound = tcp.address() as AddressInfo;

  const dropConnections = (spare?: Socket) => {
    for (const socket of sockets) if (socket !== spare) socket.destroy();
  };
  const stop = (spare?: Socket) =>
    new Promise<void>((resolve) => {
      const closing = tcp;
      tcp = undefined;
      dropConnections(spare);
      if (closing) closing.close(() => resolve());
      else resolve();
    });

  return {
    port: bound.port,
    address: bound.address,
    pause: (spare) => void stop(spare),
    resume() {
      if (tcp) return;
      tcp = createServer(accept);
      // Binding to an IP literal happens synchronously, so the very next connection succeeds.
      tcp.on("error", (error) => {
        process.stderr.write(`KMS emulator could not listen again on port ${bound.port}: ${error.message}\n`);
      });
      tcp.listen(bound.port, bound.address);
    },
    close: () => stop(),
  };
}
