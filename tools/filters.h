// The event filters shared by log, replay and diff (cli.md): --org, --user,
// --app, --since, --until, --kind, parsed and normalized into a ScanFilter.
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace authtrail::tools {

struct FilterOptions {
  std::string org, user, app, since, until, kind;
};

void AddFilterOptions(boost::program_options::options_description* options, FilterOptions* f);

// kInvalidArgument naming the option and how to fix it, e.g.
// "--since: bad date (expected YYYY-MM-DD) in '2025-13-01' (use RFC 3339, e.g.
// 2025-09-01T00:00:00Z)".
Result<store::ScanFilter> BuildFilter(const FilterOptions& f);

}  // namespace authtrail::tools
