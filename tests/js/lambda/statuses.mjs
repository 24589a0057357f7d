// The success status of each Lambda operation (botocore's http.responseCode), and a recorder for
// what the server answered: the SDK accepts any 2xx, so the scenarios check the exact code here.
export const SUCCESS_STATUS = {
  AddPermission: 201, CreateAlias: 201, CreateEventSourceMapping: 202, CreateFunction: 201,
  CreateFunctionUrlConfig: 201, DeleteAlias: 204, DeleteEventSourceMapping: 202, DeleteFunction: 204,
  DeleteFunctionConcurrency: 204, DeleteFunctionEventInvokeConfig: 204, DeleteFunctionUrlConfig: 204,
  DeleteLayerVersion: 204, PublishLayerVersion: 201, PublishVersion: 201, RemovePermission: 204,
  TagResource: 204, UntagResource: 204, UpdateEventSourceMapping: 202, InvokeAsync: 202,
};

// Wraps `client.send` for operations named by string; records every status per operation.
export function recorder(client, module) {
  const seen = {};
  const call = async (op, input) => {
    const out = await client.send(new module[`${op}Command`](input));
    (seen[op] ??= new Set()).add(out.$metadata.httpStatusCode);
    return out;
  };
  const check = (expect) => {
    for (const [op, codes] of Object.entries(seen)) {
      const want = op === "Invoke" ? null : SUCCESS_STATUS[op] ?? 200;
      if (want !== null) expect.eq(`${op} success status`, [...codes], [want]);
    }
  };
  return { call, check };
}
