// Shared by the sns/, lambda/ and logs/ scenario scripts: collects named checks and prints one JSON
// line, {ok, checks, mismatches, ...extra} or, when the scenario itself throws,
// {ok: false, error, name, status, checks, mismatches}.
import { isDeepStrictEqual } from "node:util";

export class Expect {
  constructor() {
    this.checks = 0;
    this.mismatches = [];
  }

  eq(what, got, want) {
    this.checks++;
    if (!isDeepStrictEqual(got, want)) this.mismatches.push({ what, got, want });
    return got;
  }

  true(what, cond, detail) {
    this.checks++;
    if (!cond) this.mismatches.push({ what, detail });
    return cond;
  }

  // Awaits `promise`, which must reject with the SDK's typed service exception `name` carrying
  // HTTP status `status`; returns the exception.
  async throws(what, promise, name, status) {
    this.checks++;
    try {
      const out = await promise;
      this.mismatches.push({ what, got: "no error", want: name, output: out });
      return undefined;
    } catch (e) {
      const got = { name: e?.name, status: e?.$metadata?.httpStatusCode, fault: e?.$fault };
      const want = { name, status, fault: status >= 500 ? "server" : "client" };
      if (!isDeepStrictEqual(got, want)) this.mismatches.push({ what, got, want, message: e?.message });
      return e;
    }
  }
}

// Runs `scenario(expect)` and prints the JSON line. `scenario` may return extra fields.
export async function run(scenario) {
  const expect = new Expect();
  try {
    const extra = (await scenario(expect)) ?? {};
    console.log(JSON.stringify({
      ok: expect.mismatches.length === 0, checks: expect.checks, mismatches: expect.mismatches, ...extra,
    }));
  } catch (e) {
    console.log(JSON.stringify({
      ok: false, error: String(e), stack: e?.stack, name: e?.name,
      status: e?.$metadata?.httpStatusCode, checks: expect.checks, mismatches: expect.mismatches,
    }));
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `probe` (async) until it returns a truthy value or `ms` passed; returns the last value.
export async function poll(probe, ms = 10000, every = 50) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > deadline) return value;
    await sleep(every);
  }
}
