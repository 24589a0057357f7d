// The `nimbus` command.
#include <cstdio>
#include <string_view>

#include "cli/start_command.h"

namespace {

constexpr char kUsage[] =
    "Usage: nimbus [start] [--help] [--version]\n"
    "\n"
    "A local AWS cloud: SQS, SNS, Lambda, IAM/STS, API Gateway and CloudWatch Logs behind one\n"
    "port that speaks the AWS wire protocols.\n"
    "\n"
    "Commands:\n"
    "  start        run the server in the foreground (the default)\n"
    "\n"
    "Environment:\n"
    "  GATEWAY_LISTEN   host:port[,host:port...] to listen on (default 0.0.0.0:4566)\n"
    "  PERSISTENCE=1    keep state across restarts in DATA_DIR (default /var/lib/nimbus)\n"
    "  DEBUG=1          log one line per request\n";

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
  std::fprintf(stderr, "nimbus: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
