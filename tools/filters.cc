#include "tools/filters.h"

#include "common/sfid.h"
#include "common/time.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

Result<MicrosUtc> ParseTimeOption(const char* name, const std::string& v) {
  Result<MicrosUtc> t = ParseRfc3339(v);
  if (!t.ok()) {
    return Status::InvalidArgument(std::string(name) + ": " + t.status().message() + " in '" + v +
                                   "' (use RFC 3339, e.g. 2025-09-01T00:00:00Z)");
  }
  return t;
}

std::string KindList() {
  std::string out;
  for (int i = 0; i < kKindCount; ++i) {
    if (i) out += ", ";
    out += KindName(static_cast<Kind>(i));
  }
  return out;
}

}  // namespace

void AddFilterOptions(po::options_description* options, FilterOptions* f) {
  options->add_options()("org", po::value(&f->org)->value_name("ID"),
                         "only this org (15 or 18 characters)")(
      "user", po::value(&f->user)->value_name("ID"), "only this user (id or username as stored)")(
      "app", po::value(&f->app)->value_name("APP"), "only this connected app, as stored")(
      "since", po::value(&f->since)->value_name("TS"), "only events at or after TS (RFC 3339)")(
      "until", po::value(&f->until)->value_name("TS"), "only events before TS (RFC 3339)")(
      "kind", po::value(&f->kind)->value_name("KIND"), "only this event kind, e.g. api.call");
}

Result<store::ScanFilter> BuildFilter(const FilterOptions& f) {
  store::ScanFilter out;
  if (!f.org.empty()) {
    Result<std::string> org = NormalizeSalesforceId(f.org);
    if (!org.ok()) return Status::InvalidArgument("--org: " + org.status().message());
    out.org = *org;
  }
  if (!f.user.empty()) {
    Result<std::string> user = NormalizeIdOrName(f.user);
    if (!user.ok()) return Status::InvalidArgument("--user: " + user.status().message());
    out.user = *user;
  }
  if (!f.app.empty()) out.app = f.app;
  if (!f.since.empty()) {
    AT_ASSIGN_OR_RETURN(out.since, ParseTimeOption("--since", f.since));
  }
  if (!f.until.empty()) {
    AT_ASSIGN_OR_RETURN(out.until, ParseTimeOption("--until", f.until));
  }
  if (!f.kind.empty()) {
    out.kind = KindFromName(f.kind);
    if (!out.kind) {
      return Status::InvalidArgument("--kind: unknown kind '" + f.kind +
                                     "' (one of: " + KindList() + ")");
    }
  }
  return out;
}

}  // namespace authtrail::tools
