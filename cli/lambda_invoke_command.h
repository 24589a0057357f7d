#pragma once

namespace nimbus::cli {

// `nimbus lambda invoke --path DIR [...]`: runs the function kept in DIR (code + lambda.json)
// once per event, without a server, through the same local executor the Lambda service uses
// (timeouts and memory limits enforced). `argv` starts after "lambda invoke". Returns the exit
// status: 0 when every invocation succeeded, 1 when one failed (function error, timeout,
// memory overrun, crash), 2 for bad arguments or an unusable folder.
int RunLambdaInvoke(int argc, char** argv);

extern const char kLambdaInvokeUsage[];

}  // namespace nimbus::cli
