// Running the replay engine over a store: the OrgConstants pre-pass, the fold
// of every event of the selected orgs in fold order, and the output filters.
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <string>
#include <vector>

#include "replay/replayer.h"
#include "store/store.h"

namespace authtrail::tools {

using LineFn = std::function<Status(const Event&, const replay::ReplayLine&)>;

// Folds the store (restricted to filter.org when set) and calls fn for every
// evaluated access event that matches the other filters.
Status ReplayStore(store::Store* st, const store::ScanFilter& filter,
                   const replay::ReplayOptions& options, const LineFn& fn);

// True when `e` passes the output filters (user, app, since, until, kind; org
// is applied by the scan).
bool MatchesFilter(const store::ScanFilter& f, const Event& e);

// The org facts that apply wherever their record sits (org.created,
// org.enforcement), per org.
Result<std::unordered_map<std::string, replay::OrgConstants>> LoadOrgConstants(
    store::Store* st, const std::optional<std::string>& org);

// --reading NAME=VALUE (repeatable).
void AddReadingOption(boost::program_options::options_description* options,
                      std::vector<std::string>* readings);
Result<replay::Readings> ParseReadings(const std::vector<std::string>& args);

}  // namespace authtrail::tools
