// The `nimbus` command.
#include <cstdio>
#include <string_view>

#include "cli/lambda_invoke_command.h"
#include "cli/start_command.h"

namespace {

constexpr char kUsage[] =
    "Usage: nimbus [start] [--help] [--version]\n"
    "       nimbus lambda invoke --path DIR [options]   (nimbus lambda invoke --help)\n"
    "\n"
    "A local AWS cloud: SQS, SNS, Lambda, IAM/STS, API Gateway and CloudWatch Logs behind one\n"
    "port that speaks the AWS wire protocols.\n"
    "\n"
    "Commands:\n"
    "  start          run the server in the foreground (the default)\n"
    "  lambda invoke  run a function from a local folder without a server\n"
    "\n"
    "Environment:\n"
    "  GATEWAY_LISTEN   host:port[,host:port...] to listen on (default 0.0.0.0:4566)\n"
    "  PERSISTENCE=1    keep state across restarts in DATA_DIR (default /var/lib/nimbus)\n"
    "  DEBUG=1          log one line per request\n"
    "  SERVICES         serve only these APIs (LocalStack's list: sqs,lambda,...)\n"
    "  NIMBUS_CONFIG    JSON/YAML file of resources to create at startup\n"
    "  NIMBUS_INIT_DIR  init hook roots (default /etc/localstack/init:/etc/nimbus/init)\n"
    "LocalStack's settings keep their meaning (LOCALSTACK_ prefix, EDGE_PORT, LS_LOG).\n";

}  // namespace

int main(int argc, char** argv) {
  std::string_view command = argc > 1 ? argv[1] : "start";
  if (command == "--version" || command == "version") {
    std::printf("nimbus %s\n", NIMBUS_VERSION);
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "start") {
    return nimbus::cli::RunServer();
  }
  if (command == "lambda") {
    std::string_view sub = argc > 2 ? argv[2] : "";
    if (sub == "invoke") {
      if (argc > 3 && (std::string_view(argv[3]) == "--help" || std::string_view(argv[3]) == "-h")) {
        std::fputs(nimbus::cli::kLambdaInvokeUsage, stdout);
        return 0;
      }
      return nimbus::cli::RunLambdaInvoke(argc - 3, argv + 3);
    }
    std::fprintf(stderr, "nimbus lambda: unknown command '%s'\n\n%s", argv[argc > 2 ? 2 : 1],
                 nimbus::cli::kLambdaInvokeUsage);
    return 2;
  }
  std::fprintf(stderr, "nimbus: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
