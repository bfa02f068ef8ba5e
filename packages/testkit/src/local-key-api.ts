// Local mode's key API in process: the encryption service's two local-mode procedures (the code the
// api and decrypt functions run) behind a LocalKeyApi that carries values as the wire does
// (base64url, the procedures' zod schemas). HTTP is left out; the calls that would go out are
// counted. Used by the core's local-mode tests and the bench.
import type { LocalKeyApi } from "@coffer/core/crypto";
import {
  type createEncryptionService,
  IssueEnvelopeKeyInput,
  OpenEnvelopeKeyInput,
} from "@coffer/core/encryption";
import type { Caller } from "@coffer/core/tokens";

export function inProcessLocalKeyApi(service: ReturnType<typeof createEncryptionService>, caller: Caller) {
  const calls = { issue: 0, open: 0 };
  const bytes = (value: string) => Buffer.from(value, "base64url");
  const api: LocalKeyApi = {
    async issue(request) {
      calls.issue++;
      const issued = await service.issueEnvelopeKey(IssueEnvelopeKeyInput.parse(request), caller);
      return { ...issued, dataKey: bytes(issued.dataKey), wrappedKey: bytes(issued.wrappedKey) };
    },
    async open(request) {
      calls.open++;
      const wrappedKey = Buffer.from(request.wrappedKey).toString("base64url");
      const opened = await service.openEnvelopeKey(
        OpenEnvelopeKeyInput.parse({ ...request, wrappedKey }),
        caller,
      );
      return { ...opened, dataKey: bytes(opened.dataKey) };
    },
  };
  return { api, calls };
}
