// Shared by the IAM/STS scenario scripts: named checks that record mismatches instead of
// throwing, so one run reports every difference, and one JSON line at the end:
// {ok, checks, failures: [{name, got, want}]} (ok = no failures and no service error).
import { deepStrictEqual } from "node:assert";

export function scenario() {
  const failures = [];
  let checks = 0;
  const check = (name, got, want) => {
    checks += 1;
    try {
      deepStrictEqual(got, want);
    } catch {
      failures.push({ name, got, want });
    }
  };
  // A call that must fail with `code` (the SDK's error name or Code) and HTTP `status`.
  const rejects = async (name, promise, code, status) => {
    checks += 1;
    try {
      await promise;
      failures.push({ name, got: "success", want: code });
    } catch (e) {
      if (!e.$metadata) throw e;
      const got = [e.Code ?? e.name, e.$metadata.httpStatusCode];
      if (got[0] !== code || got[1] !== status) failures.push({ name, got, want: [code, status] });
    }
  };
  const finish = () => {
    console.log(JSON.stringify({ ok: failures.length === 0, checks, failures }));
  };
  return { check, rejects, finish };
}

export const unique = (prefix) => `${prefix}-${Math.random().toString(16).slice(2, 12)}`;

// Runs `body`; a service error that escapes is reported as a failed run with its details.
export async function run(body) {
  try {
    await body();
  } catch (e) {
    if (!e.$metadata) throw e;
    console.log(JSON.stringify({
      ok: false, error: { name: e.name, code: e.Code, status: e.$metadata.httpStatusCode,
        message: e.message },
    }));
  }
}
