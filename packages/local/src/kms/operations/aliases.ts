// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
import { kmsError } from "../errors";
import {
  type RequestBody,
  optionalKeyId,
  readLimit,
  readMarker,
  requiredKeyId,
  requiredString,
} from "../input";
import type { KeyStore } from "../key-store";
import { type KmsKey, toWireTime } from "../model";
import { type Operation, requireNotPendingDeletion } from "./context";
import { paginate } from "./paging";

const ALIAS_CHARACTERS = /^[a-zA-Z0-9:/_-]+$/;

/** `alias/<name>`, within KMS's alphabet, and never in the `alias/aws/` space AWS keeps for itself. */
function readAliasName(body: RequestBody): string {
  const name = requiredString(body, "AliasName", { min: 1, max: 256 });
  const invalid = (why: string) => kmsError("InvalidAliasNameException", `Alias must ${why}.`);
  if (!name.startsWith("alias/") || name.length === "alias/".length)
    throw invalid("start with alias/ and name it");
  if (!ALIAS_CHARACTERS.test(name)) throw invalid("contain only alphanumeric characters, /, _, - and :");
  if (name.startsWith("alias/aws/")) throw invalid("not begin with alias/aws/, which is reserved for AWS");
  return name;
}

/** The target of an alias is named by key id or key ARN, never by another alias. */
function readTarget(store: KeyStore, body: RequestBody): KmsKey {
  const target = store.resolveTarget(requiredKeyId(body, "TargetKeyId"));
  if (!target)
    throw kmsError(
      "ValidationException",
      "TargetKeyId must be a key ID or key ARN; an alias cannot target an alias.",
    );
  requireNotPendingDeletion(target, store);
  return target;
}

export const createAlias: Operation = ({ store, now }, body) => {
  const name = readAliasName(body);
  const target = readTarget(store, body);
  if (store.getAlias(name))
    throw kmsError("AlreadyExistsException", `An alias with the name ${store.aliasArn(name)} already exists`);
  const time = now();
  store.putAlias({ name, targetKeyId: target.id, createdAt: time, updatedAt: time });
  return {};
};

// KMS only lets an alias move to a key of the same type, so that code using it keeps working.
export const updateAlias: Operation = ({ store, now }, body) => {
  const name = readAliasName(body);
  const target = readTarget(store, body);
  const alias = store.getAlias(name);
  if (!alias) throw kmsError("NotFoundException", `Alias ${store.aliasArn(name)} is not found.`);
  const current = store.getKey(alias.targetKeyId);
  if (current && current.material.kind !== target.material.kind)
    throw kmsError(
      "ValidationException",
      `${store.keyArn(target.id)} is not the same key type as ${store.keyArn(current.id)}: an alias moves only between keys of one type.`,
    );
  store.putAlias({ ...alias, targetKeyId: target.id, updatedAt: now() });
  return {};
};

export const deleteAlias: Operation = ({ store }, body) => {
  const name = readAliasName(body);
  if (!store.getAlias(name))
    throw kmsError("NotFoundException", `Alias ${store.aliasArn(name)} is not found.`);
  store.deleteAlias(name);
  return {};
};

export const listAliases: Operation = ({ store }, body) => {
  const keyId = optionalKeyId(body, "KeyId");
  const limit = readLimit(body, 100, 50);
  const marker = readMarker(body);
  const filterId = keyId === undefined ? undefined : store.resolveKey(keyId).id;
  const aliases = store
    .listAliases()
    .filter((alias) => filterId === undefined || alias.targetKeyId === filterId);
  const { items, ...page } = paginate(aliases, {
    listing: "aliases",
    limit,
    marker,
    keyOf: (alias) => alias.name,
  });
  return {
    Aliases: items.map((alias) => ({
      AliasName: alias.name,
      AliasArn: store.aliasArn(alias.name),
      TargetKeyId: alias.targetKeyId,
      CreationDate: toWireTime(alias.createdAt),
      LastUpdatedDate: toWireTime(alias.updatedAt),
    })),
    ...page,
  };
};
