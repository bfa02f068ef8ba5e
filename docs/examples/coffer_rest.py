#!/usr/bin/env python3
"""Calling Coffer's REST API from Python, with the standard library alone.

    COFFER_URL=http://127.0.0.1:3000 COFFER_TOKEN=coffer_... python3 docs/examples/coffer_rest.py

The token needs the encrypt and decrypt scopes. With COFFER_ENCRYPT_ONLY_TOKEN set too (a token
with the encrypt scope only), the script also shows how a refusal looks. It prints one JSON object
with what it saw and exits non-zero if anything was not as expected.
"""
import base64
import json
import os
import sys
import urllib.error
import urllib.request


class CofferError(Exception):
    """A refused call: the HTTP status and the body's code, reason and message."""

    def __init__(self, status, body):
        super().__init__(f"{status} {body.get('code')} ({body.get('reason')}): {body.get('message')}")
        self.status, self.code, self.reason = status, body.get("code"), body.get("reason")
        self.issues = body.get("issues") or []


def call(method, path, token, body=None):
    """One REST call; returns the JSON result or raises CofferError."""
    request = urllib.request.Request(
        os.environ["COFFER_URL"].rstrip("/") + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        raise CofferError(error.code, json.load(error)) from None


def b64(data: bytes) -> str:
    """Binary values travel as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main():
    token = os.environ["COFFER_TOKEN"]
    context = {"tenant": "acme", "purpose": "invoice"}

    sealed = call("POST", "/v1/encrypt", token, {"keyName": "default", "plaintext": b64(b"card 4242"), "context": context})
    opened = call("POST", "/v1/decrypt", token, {"envelope": sealed["envelope"], "context": context})

    stored = call("PUT", "/v1/records", token, {"keyName": "default", "plaintext": b64(b"a stored secret")})
    record = call("GET", f"/v1/records/{stored['recordId']}", token)

    seen = {
        "decrypted": unb64(opened["plaintext"]).decode(),
        "recordId": stored["recordId"],
        "record": unb64(record["plaintext"]).decode(),
    }
    encrypt_only = os.environ.get("COFFER_ENCRYPT_ONLY_TOKEN")
    if encrypt_only:
        try:
            call("POST", "/v1/decrypt", encrypt_only, {"envelope": sealed["envelope"], "context": context})
            seen["refusal"] = None
        except CofferError as error:
            seen["refusal"] = {"status": error.status, "code": error.code, "reason": error.reason}

    print(json.dumps(seen))
    ok = seen["decrypted"] == "card 4242" and seen["record"] == "a stored secret"
    if encrypt_only:
        ok = ok and seen["refusal"] == {"status": 403, "code": "FORBIDDEN", "reason": "scope_missing"}
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
