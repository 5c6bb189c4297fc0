// Origins: where each state fact of an org first appears in the stored
// history, so that `authtrail sources` can say what replay cannot see.
//
// Fed every event in fold order (Store::ScanEvents), Origins keeps, per org
// and fact (schemas/facts.h), the first event that sets it and the value on
// record so far, and reports three kinds of gap:
//   kNoKnownOrigin  the first event is a current-state export (source
//                   "snapshot:*"): the value is known from the snapshot time
//                   on; nothing on record says what it was before, or since
//                   when it has held.
//   kUnknownBefore  the first event is a Setup Audit Trail change row (source
//                   "SetupAuditTrail") with no reconstructed prior state in
//                   front of it (ingest/prior_state.h: the row gives no
//                   readable "from" value, two rows share its instant, an
//                   unreadable row of the same kind sits there, or it is an
//                   uninstall): the value before that row is unknown.
//   kUnseenChange   a snapshot, or a prior state reconstructed from the Setup
//                   Audit Trail, says a value other than the one on record
//                   just before it: a change between the two is missing from
//                   the imported history.
// Any other first event (a reconstructed prior state, native JSONL, ...) is
// an origin on record and no gap. The result depends on the stored events
// only, in fold order, so it does not depend on the order of ingest.
//
// Thread-safety: not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "schemas/event.h"
#include "schemas/facts.h"

namespace authtrail::tools {

struct FactGap {
  enum class What { kNoKnownOrigin, kUnknownBefore, kUnseenChange };
  What what = What::kNoKnownOrigin;
  std::string org;
  Fact fact;  // value: what the event at known_from says
  MicrosUtc known_from = 0;
  std::string source;  // of that event
  std::optional<std::string> id;
  // kUnseenChange: the value on record before, when and where from.
  std::string before_value;
  MicrosUtc before_ts = 0;
  std::string before_source;
};

// "no_known_origin", "unknown_before", "unseen_change".
std::string_view GapName(FactGap::What what);

class Origins {
 public:
  // REQUIRES: events in fold order.
  void Add(const Event& e);
  // Every gap, by org, then fact key, then time.
  std::vector<FactGap> Gaps() const;

 private:
  struct OnRecord {
    FactGap first;  // the first event, as a gap when it is one
    bool first_is_gap = false;
    std::string value, source;
    MicrosUtc ts = 0;
  };
  std::map<std::pair<std::string, std::string>, OnRecord> facts_;  // (org, key)
  std::vector<FactGap> unseen_;
};

}  // namespace authtrail::tools
