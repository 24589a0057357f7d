// Shared client options: every script talks to the endpoint given on the command line, with the
// credentials from the environment (the tests set dummy ones), no retries and bounded timeouts.
export function clientOptions(endpoint) {
  return {
    endpoint,
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "test",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "test",
    },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 15000 },
  };
}

// Prints one JSON line: {ok: true, output} or {ok: false, name, code, status, message, requestId}.
export async function report(promise) {
  try {
    const output = await promise;
    console.log(JSON.stringify({ ok: true, output }));
  } catch (e) {
    if (!e.$metadata) throw e; // not a service error: let node exit non-zero with the stack
    console.log(JSON.stringify({
      ok: false,
      name: e.name,
      code: e.Code ?? e.name,
      status: e.$metadata.httpStatusCode,
      message: e.message,
      requestId: e.$metadata.requestId,
    }));
  }
}
