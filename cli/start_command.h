#pragma once

namespace nimbus::cli {

// `nimbus start`: runs the server in the foreground until SIGTERM/SIGINT. Returns the exit code.
int RunServer();

}  // namespace nimbus::cli
