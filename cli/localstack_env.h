#pragma once

namespace nimbus::cli {

// LocalStack's configuration variables, read where Nimbus gives them the same meaning.
// Aliases applied to the environment before the configuration is read (call first, while the
// process has one thread):
//   LOCALSTACK_<NAME>      → <NAME> for the settings Nimbus reads, when <NAME> is unset
//   EDGE_PORT=N            → GATEWAY_LISTEN=0.0.0.0:N when GATEWAY_LISTEN is unset
//   LS_LOG=debug|trace     → DEBUG=1 when DEBUG is unset
void ApplyLocalStackAliases();

// With DEBUG=1, one line on stderr for every LocalStack setting in the environment that Nimbus
// does not use (they are ignored: a compose file written for LocalStack still starts).
void ReportEnvironment(bool debug);

}  // namespace nimbus::cli
