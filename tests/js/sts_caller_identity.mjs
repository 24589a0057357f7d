// usage: node sts_caller_identity.mjs ENDPOINT  -> prints {ok, output: GetCallerIdentity result}
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { clientOptions, report } from "./common.mjs";

const client = new STSClient(clientOptions(process.argv[2]));
await report(client.send(new GetCallerIdentityCommand({})));
