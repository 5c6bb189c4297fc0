#include "tools/exit_codes.h"

#include <iostream>

namespace authtrail::tools {

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kCorruption:
      return kExitIntegrity;
    default:
      return kExitUnavailable;
  }
}

int ReportError(const char* command, const Status& s) {
  std::cerr << "authtrail " << command << ": " << s.message() << "\n";
  return ExitCodeFor(s);
}

}  // namespace authtrail::tools
