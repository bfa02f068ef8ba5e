// CreateAlias, UpdateAlias, DeleteAlias, ListAliases, through the stock SDK.
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from "@aws-sdk/client-kms";
import { beforeAll, describe, expect, test } from "vitest";
import { accountId, createKey, failureOf, region, useEmulator, utf8 } from "./test-kit";

const kms = useEmulator();
let first: Awaited<ReturnType<typeof createKey>>;
let second: Awaited<ReturnType<typeof createKey>>;

beforeAll(async () => {
  first = await createKey(kms.client);
  second = await createKey(kms.client);
});

const createAlias = (name: string, target: string) =>
  kms.client.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: target }));
const targetOf = async (name: string) =>
  (await kms.client.send(new DescribeKeyCommand({ KeyId: name }))).KeyMetadata?.KeyId;

describe("CreateAlias", () => {
  test("by key id and by key ARN; a taken name is AlreadyExistsException", async () => {
    await createAlias("alias/by-id", first.KeyId);
    await createAlias("alias/by-arn", first.Arn);
    expect(await targetOf("alias/by-id")).toBe(first.KeyId);
    expect(await targetOf("alias/by-arn")).toBe(first.KeyId);
    expect(await failureOf(createAlias("alias/by-id", second.KeyId))).toMatchObject({
      name: "AlreadyExistsException",
      status: 400,
    });
  });

  test.each(["foo", "alias/", "alias/aws/x", "alias/has space", "alias/ünïcode"])(
    "%s is InvalidAliasNameException",
    async (name) => {
      expect(await failureOf(createAlias(name, first.KeyId))).toMatchObject({
        name: "InvalidAliasNameException",
        status: 400,
      });
    },
  );

  test("an alias cannot target an alias; an unknown target is NotFoundException", async () => {
    await createAlias("alias/base", first.KeyId);
    expect(await failureOf(createAlias("alias/chained", "alias/base"))).toMatchObject({
      name: "ValidationException",
    });
    expect(
      await failureOf(createAlias("alias/orphan", "00000000-0000-4000-8000-000000000000")),
    ).toMatchObject({
      name: "NotFoundException",
      status: 400,
    });
  });

  test("a target pending deletion is KMSInvalidStateException", async () => {
    const doomed = await createKey(kms.client);
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
    expect(await failureOf(createAlias("alias/doomed", doomed.KeyId))).toMatchObject({
      name: "KMSInvalidStateException",
      status: 400,
    });
  });
});

describe("UpdateAlias and DeleteAlias", () => {
  test("UpdateAlias moves the alias; crypto through it follows", async () => {
    await createAlias("alias/moving", first.KeyId);
    await kms.client.send(new UpdateAliasCommand({ AliasName: "alias/moving", TargetKeyId: second.Arn }));
    expect(await targetOf("alias/moving")).toBe(second.KeyId);
    const out = await kms.client.send(new EncryptCommand({ KeyId: "alias/moving", Plaintext: utf8("x") }));
    expect(out.KeyId).toBe(second.Arn);
  });

  test("UpdateAlias of an unknown alias is NotFoundException; to an RSA key it is ValidationException", async () => {
    expect(
      await failureOf(
        kms.client.send(new UpdateAliasCommand({ AliasName: "alias/nope", TargetKeyId: first.KeyId })),
      ),
    ).toMatchObject({ name: "NotFoundException" });
    const rsa = await createKey(kms.client, { KeySpec: "RSA_2048" });
    await createAlias("alias/symmetric-only", first.KeyId);
    expect(
      await failureOf(
        kms.client.send(
          new UpdateAliasCommand({ AliasName: "alias/symmetric-only", TargetKeyId: rsa.KeyId }),
        ),
      ),
    ).toMatchObject({ name: "ValidationException" });
  });

  test("DeleteAlias removes it; deleting again is NotFoundException", async () => {
    await createAlias("alias/short-lived", first.KeyId);
    await kms.client.send(new DeleteAliasCommand({ AliasName: "alias/short-lived" }));
    expect(await failureOf(targetOf("alias/short-lived"))).toMatchObject({ name: "NotFoundException" });
    expect(
      await failureOf(kms.client.send(new DeleteAliasCommand({ AliasName: "alias/short-lived" }))),
    ).toMatchObject({ name: "NotFoundException", status: 400 });
  });
});

describe("ListAliases", () => {
  test("lists every alias with its ARN and target; KeyId filters in any id form", async () => {
    const own = await createKey(kms.client);
    await createAlias("alias/listed-1", own.KeyId);
    await createAlias("alias/listed-2", own.KeyId);
    const all = await kms.client.send(new ListAliasesCommand({ Limit: 100 }));
    const entry = all.Aliases?.find((alias) => alias.AliasName === "alias/listed-1");
    expect(entry).toMatchObject({
      AliasArn: `arn:aws:kms:${region}:${accountId}:alias/listed-1`,
      TargetKeyId: own.KeyId,
    });
    expect(entry?.CreationDate).toBeInstanceOf(Date);
    expect(entry?.LastUpdatedDate).toBeInstanceOf(Date);
    for (const filter of [own.KeyId, own.Arn, "alias/listed-2"]) {
      const filtered = await kms.client.send(new ListAliasesCommand({ KeyId: filter }));
      expect(filtered.Aliases?.map((alias) => alias.AliasName)).toEqual(["alias/listed-1", "alias/listed-2"]);
    }
  });

  test("pages with Limit and Marker; a bad marker or an unknown KeyId is refused", async () => {
    const paged = await kms.client.send(new ListAliasesCommand({ Limit: 1 }));
    expect(paged.Aliases).toHaveLength(1);
    expect(paged.Truncated).toBe(true);
    const next = await kms.client.send(new ListAliasesCommand({ Limit: 1, Marker: paged.NextMarker }));
    expect(next.Aliases?.[0]?.AliasName).not.toBe(paged.Aliases?.[0]?.AliasName);
    expect(await failureOf(kms.client.send(new ListAliasesCommand({ Marker: "garbage" })))).toMatchObject({
      name: "InvalidMarkerException",
    });
    expect(await failureOf(kms.client.send(new ListAliasesCommand({ KeyId: "alias/none" })))).toMatchObject({
      name: "NotFoundException",
    });
    expect(await failureOf(kms.client.send(new ListAliasesCommand({ Limit: 101 })))).toMatchObject({
      name: "ValidationException",
    });
  });
});
