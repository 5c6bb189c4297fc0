// Exit codes of the authtrail CLI (shared/spec/cli.md) and the one place that
// maps a Status to them.
#pragma once

#include "common/status.h"

namespace authtrail::tools {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 2,        // unknown option, bad value
  kExitRejected = 3,     // some input records were rejected (the rest were stored)
  kExitIntegrity = 4,    // the store or an evidence file does not verify
  kExitUnavailable = 5,  // locked, missing, corrupt at open, newer format, disk full, permissions
};

// kOk→0, kInvalidArgument→2, kCorruption→4, everything else→5.
int ExitCodeFor(const Status& s);

// Prints "authtrail <command>: <message>" to standard error and returns
// ExitCodeFor(s). REQUIRES: !s.ok().
int ReportError(const char* command, const Status& s);

}  // namespace authtrail::tools
