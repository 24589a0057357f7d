// usage: node call.mjs ENDPOINT SERVICE OPERATION [JSON_INPUT]
//   SERVICE is sts | sqs | lambda | logs | sns | iam | apigateway | apigatewayv2; OPERATION is the API name (e.g. CreateQueue).
// Prints one JSON line (see common.mjs). The SDK does not check required members, so this also
// drives the server's own validation.
import * as sts from "@aws-sdk/client-sts";
import * as sqs from "@aws-sdk/client-sqs";
import * as lambda from "@aws-sdk/client-lambda";
import * as logs from "@aws-sdk/client-cloudwatch-logs";
import * as sns from "@aws-sdk/client-sns";
import * as iam from "@aws-sdk/client-iam";
import * as apigateway from "@aws-sdk/client-api-gateway";
import * as apigatewayv2 from "@aws-sdk/client-apigatewayv2";
import { clientOptions, report } from "./common.mjs";

const SERVICES = {
  sts: [sts, "STSClient"],
  sqs: [sqs, "SQSClient"],
  lambda: [lambda, "LambdaClient"],
  logs: [logs, "CloudWatchLogsClient"],
  sns: [sns, "SNSClient"],
  iam: [iam, "IAMClient"],
  apigateway: [apigateway, "APIGatewayClient"],
  apigatewayv2: [apigatewayv2, "ApiGatewayV2Client"],
};

const [endpoint, service, operation, input = "{}"] = process.argv.slice(2);
const [mod, clientName] = SERVICES[service] ?? [];
const Command = mod?.[`${operation}Command`];
if (!Command) {
  console.error(`unknown service/operation: ${service} ${operation}`);
  process.exit(2);
}
const client = new mod[clientName](clientOptions(endpoint));
await report(client.send(new Command(JSON.parse(input))));
