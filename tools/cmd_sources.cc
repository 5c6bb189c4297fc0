// authtrail sources: what each source covers, per org. An investigator's
// first question about an imported history is "what don't I see?": which
// exports, over which time span, how many records, what no adapter could
// map, the hours an EventLogFile type has no event in, and the facts whose
// origin is not on record (tools/origins.h). Read-only; one pass over the
// events, in fold order.
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "schemas/canonical.h"
#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/filters.h"
#include "tools/origins.h"
#include "tools/output.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "sources", "authtrail sources [--db DIR] [filters] [--origins] [--format jsonl|table]",
    "What the imported history does not show. For each org and each source (the\n"
    "events' `source` label: LoginHistory, SetupAuditTrail,\n"
    "SetupAuditTrail:reconstructed, EventLogFile:Login, snapshot:User, jsonl, ...):\n"
    "the time span its stored events cover, how many there are of each kind, the\n"
    "actions stored as unmapped (records no adapter rule maps; see log --unmapped),\n"
    "for EventLogFile sources the whole hours between the first and the last event\n"
    "with no event of that type (a quiet hour, or an hourly file not ingested:\n"
    "compare with the EventLogFile listing), and the facts (a permission, an\n"
    "assignment, an app's policy, ...) this source is the first record of without\n"
    "being their origin:\n"
    "  no_known_origin  first known from a snapshot: the value holds from the\n"
    "                   snapshot time on; what it was before, and since when, is\n"
    "                   not on record\n"
    "  unknown_before   first known from a Setup Audit Trail change whose prior\n"
    "                   value could not be reconstructed (docs/sources.md)\n"
    "  unseen_change    a snapshot (or a reconstructed prior state) disagrees with\n"
    "                   the value on record before it:\n"
    "                   a change in between is missing\n"
    "A gap between spans, or a source missing for a period, is what replay cannot\n"
    "see.\n\n"
    "jsonl (default) prints one line per org and source:\n"
    "  {\"org\":...,\"source\":...,\"events\":N,\"first\":TS,\"last\":TS,\n"
    "   \"kinds\":{\"login.ui\":N,...},\"unmapped\":{\"PermSetCreate\":N,...},\n"
    "   \"hours_without_events\":N,\"hour_gaps\":[\"FROM/TO\",...],\n"
    "   \"no_known_origin\":N,\"unknown_before\":N,\"unseen_change\":N}\n"
    "(keys after kinds only when non-zero; hour gaps are UTC hours, TO excluded).\n"
    "Events without a source are listed under \"(none)\".\n\n"
    "--origins prints one line per fact gap instead, by org, fact and time:\n"
    "  {\"org\":...,\"gap\":\"no_known_origin\",\"fact\":\"permset.permission\",\n"
    "   \"permset\":...,\"permission\":...,\"value\":\"true\",\"known_from\":TS,\n"
    "   \"source\":\"snapshot:PermissionSet\"[,\"id\":...][,\"before\":{\"value\":...,\n"
    "   \"ts\":...,\"source\":...}]}\n\n"
    "Examples:\n"
    "  authtrail sources --db ./authtrail.db --format table\n"
    "  authtrail sources --org 00D5g000004Sxyz\n"
    "  authtrail sources --origins --format table\n\n"
    "Exit codes: 0 done, 2 bad option, 4 a record fails verification on read,\n"
    "5 store unavailable."};

constexpr MicrosUtc kHour = 3600LL * 1000 * 1000;

struct Coverage {
  uint64_t events = 0;
  MicrosUtc first = 0, last = 0;
  std::map<std::string, uint64_t> kinds, unmapped;
  std::set<MicrosUtc> hours;  // EventLogFile sources: start of each hour with an event
  std::map<FactGap::What, uint64_t> gaps;
};

using Key = std::pair<std::string, std::string>;  // org, source

MicrosUtc HourOf(MicrosUtc t) { return t - (((t % kHour) + kHour) % kHour); }

void Add(const Event& e, const std::string& source, Coverage* c) {
  if (c->events++ == 0 || e.ts < c->first) c->first = e.ts;
  if (c->events == 1 || e.ts > c->last) c->last = e.ts;
  ++c->kinds[std::string(KindName(e.kind))];
  if (e.kind == Kind::kUnmapped) ++c->unmapped[e.action.value_or("")];
  if (source.starts_with("EventLogFile:")) c->hours.insert(HourOf(e.ts));
}

// The runs of whole hours between the first and the last hour with an event
// that have none: [from, to) pairs.
std::vector<std::pair<MicrosUtc, MicrosUtc>> HourGaps(const std::set<MicrosUtc>& hours) {
  std::vector<std::pair<MicrosUtc, MicrosUtc>> gaps;
  for (auto it = hours.begin(); it != hours.end(); ++it) {
    auto next = std::next(it);
    if (next != hours.end() && *next - *it > kHour) gaps.push_back({*it + kHour, *next});
  }
  return gaps;
}

uint64_t HoursIn(const std::vector<std::pair<MicrosUtc, MicrosUtc>>& gaps) {
  uint64_t n = 0;
  for (auto [from, to] : gaps) n += static_cast<uint64_t>((to - from) / kHour);
  return n;
}

void AppendCounts(const std::map<std::string, uint64_t>& counts, std::string* out) {
  *out += '{';
  bool first = true;
  for (const auto& [name, n] : counts) {
    if (!first) *out += ',';
    first = false;
    AppendJsonString(name, out);
    *out += ':' + std::to_string(n);
  }
  *out += '}';
}

void AppendHourGaps(const Coverage& c, std::string* out) {
  std::vector<std::pair<MicrosUtc, MicrosUtc>> gaps = HourGaps(c.hours);
  if (gaps.empty()) return;
  *out += ",\"hours_without_events\":" + std::to_string(HoursIn(gaps)) + ",\"hour_gaps\":[";
  for (size_t i = 0; i < gaps.size(); ++i) {
    if (i > 0) *out += ',';
    *out += "\"" + FormatOutput(gaps[i].first) + "/" + FormatOutput(gaps[i].second) + "\"";
  }
  *out += ']';
}

void AppendJsonLine(const Key& key, const Coverage& c, std::string* out) {
  *out += "{\"org\":";
  AppendJsonString(key.first, out);
  *out += ",\"source\":";
  AppendJsonString(key.second, out);
  *out += ",\"events\":" + std::to_string(c.events) + ",\"first\":\"" + FormatOutput(c.first) +
          "\",\"last\":\"" + FormatOutput(c.last) + "\",\"kinds\":";
  AppendCounts(c.kinds, out);
  if (!c.unmapped.empty()) {
    *out += ",\"unmapped\":";
    AppendCounts(c.unmapped, out);
  }
  AppendHourGaps(c, out);
  for (const auto& [what, n] : c.gaps) {
    *out += ",\"" + std::string(GapName(what)) + "\":" + std::to_string(n);
  }
  *out += "}\n";
}

void AppendTableLine(const Key& key, const Coverage& c, std::string* out) {
  auto pad = [](std::string s, size_t n) {
    s.resize(std::max(s.size() + 1, n), ' ');
    return s;
  };
  uint64_t unmapped = 0, gaps = 0;
  for (const auto& [action, n] : c.unmapped) unmapped += n;
  for (const auto& [what, n] : c.gaps) gaps += n;
  *out += pad(key.first, 19) + pad(key.second, 31) + pad(std::to_string(c.events), 9) +
          pad(FormatOutput(c.first), 28) + pad(FormatOutput(c.last), 28) +
          pad(std::to_string(unmapped), 9) + pad(std::to_string(HoursIn(HourGaps(c.hours))), 12) +
          std::to_string(gaps) + "\n";
}

// One --origins line.
void AppendGapJson(const FactGap& g, std::string* out) {
  *out += "{\"org\":";
  AppendJsonString(g.org, out);
  *out += ",\"gap\":\"" + std::string(GapName(g.what)) + "\",\"fact\":";
  AppendJsonString(g.fact.name, out);
  for (const auto& [field, value] : g.fact.subject) {
    *out += ',';
    AppendJsonString(FieldName(field), out);
    *out += ':';
    AppendJsonString(value, out);
  }
  *out += ",\"value\":";
  AppendJsonString(g.fact.value, out);
  *out += ",\"known_from\":\"" + FormatOutput(g.known_from) + "\",\"source\":";
  AppendJsonString(g.source, out);
  if (g.id) {
    *out += ",\"id\":";
    AppendJsonString(*g.id, out);
  }
  if (g.what == FactGap::What::kUnseenChange) {
    *out += ",\"before\":{\"value\":";
    AppendJsonString(g.before_value, out);
    *out += ",\"ts\":\"" + FormatOutput(g.before_ts) + "\",\"source\":";
    AppendJsonString(g.before_source, out);
    *out += '}';
  }
  *out += "}\n";
}

void AppendGapTable(const FactGap& g, std::string* out) {
  auto pad = [](std::string s, size_t n) {
    s.resize(std::max(s.size() + 1, n), ' ');
    return s;
  };
  std::string subject;
  for (const auto& [field, value] : g.fact.subject) {
    subject += (subject.empty() ? "" : " ") + std::string(FieldName(field)) + "=" + value;
  }
  std::string value = g.what == FactGap::What::kUnseenChange
                          ? g.before_value + " -> " + g.fact.value
                          : g.fact.value;
  *out += pad(g.org, 19) + pad(std::string(GapName(g.what)), 16) + pad(g.fact.name, 19) +
          pad(subject, 40) + pad(value, 16) + pad(FormatOutput(g.known_from), 28) + g.source + "\n";
}

}  // namespace

int RunSources(int argc, char** argv) {
  std::string db, format = "jsonl";
  bool origins_only = false;
  FilterOptions filter_options;
  po::options_description options("Options");
  AddDbOption(&options, &db);
  AddFilterOptions(&options, &filter_options);
  options.add_options()("format", po::value(&format)->value_name("F"), "jsonl (default) or table")(
      "origins", po::bool_switch(&origins_only),
      "list each fact with no known origin, unknown prior value or unseen change");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  if (format != "jsonl" && format != "table") {
    return ReportError("sources", Status::InvalidArgument(
                                      "--format: expected jsonl or table, got '" + format + "'"));
  }
  auto filter = BuildFilter(filter_options);
  if (!filter.ok()) return ReportError("sources", filter.status());
  auto opened = store::Store::Open(db, store::StoreOptions{});
  if (!opened.ok()) return ReportError("sources", opened.status());

  std::map<Key, Coverage> coverage;
  Origins origins;
  Status s = (*opened)->ScanEvents(*filter, [&](uint64_t, const Event& e) {
    std::string source = e.source.value_or("(none)");
    Add(e, source, &coverage[{e.org, source}]);
    origins.Add(e);
    return Status::Ok();
  });
  if (!s.ok()) return ReportError("sources", s);
  std::vector<FactGap> gaps = origins.Gaps();
  OutputBuffer out(stdout);
  if (origins_only) {
    if (format == "table") {
      *out.buffer() +=
          "ORG                GAP             FACT               SUBJECT                       "
          "          VALUE           KNOWN_FROM                  SOURCE\n";
    }
    for (const FactGap& g : gaps)
      (format == "table" ? AppendGapTable : AppendGapJson)(g, out.buffer());
  } else {
    for (const FactGap& g : gaps) ++coverage[{g.org, g.source}].gaps[g.what];
    if (format == "table") {
      *out.buffer() +=
          "ORG                SOURCE                         EVENTS   FIRST                       "
          "LAST                        UNMAPPED EMPTY_HOURS FACT_GAPS\n";
    }
    for (const auto& [key, c] : coverage) {
      (format == "table" ? AppendTableLine : AppendJsonLine)(key, c, out.buffer());
    }
  }
  s = out.Flush();
  return s.ok() ? kExitOk : ReportError("sources", s);
}

}  // namespace authtrail::tools
