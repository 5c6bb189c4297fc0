// The impact report on standard output (authtrail impact --format):
//   table  a summary for a terminal: counts, top apps/users that flip, what-if
//          changes, readings with the decisions they change;
//   jsonl  one object per line: {"summary":…}, {"flip_group":…} per app/user,
//          {"whatif":…} per principal change, {"reading":…} per reading with
//          the seqs it changes, {"suspect":…} per suspect grant;
//   csv    one row per finding (section,key,…) with formula-like cells escaped
//          (replay_output's AppendCsvCell).
// docs/impact.md shows each.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <string>

#include "tools/impact.h"

namespace authtrail::tools {

void AppendImpactTable(const ImpactReport& r, std::string* out);
void AppendImpactJsonl(const ImpactReport& r, std::string* out);
void AppendImpactCsv(const ImpactReport& r, std::string* out);

}  // namespace authtrail::tools
