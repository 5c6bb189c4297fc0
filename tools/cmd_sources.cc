// authtrail sources: what each source covers, per org. An investigator's
// first question about an imported history is "what do we actually have?":
// which exports, over which time span, how many records, and what no adapter
// could map (docs/sources.md). Read-only; one pass over the events.
#include <iostream>
#include <map>
#include <string>

#include "schemas/canonical.h"
#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/filters.h"
#include "tools/output.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "sources", "authtrail sources [--db DIR] [filters] [--format jsonl|table]",
    "For each org and each source (the events' `source` label: LoginHistory,\n"
    "SetupAuditTrail, EventLogFile:Login, snapshot:User, jsonl, ...), the time span\n"
    "its stored events cover, how many there are of each kind, and the actions\n"
    "stored as unmapped (records no adapter rule maps; see log --unmapped). A gap\n"
    "between spans, or a source missing for a period, is what replay cannot see.\n\n"
    "jsonl (default) prints one line per org and source:\n"
    "  {\"org\":...,\"source\":...,\"events\":N,\"first\":TS,\"last\":TS,\n"
    "   \"kinds\":{\"login.ui\":N,...},\"unmapped\":{\"PermSetCreate\":N,...}}\n"
    "Events without a source are listed under \"(none)\".\n\n"
    "Examples:\n"
    "  authtrail sources --db ./authtrail.db --format table\n"
    "  authtrail sources --org 00D5g000004Sxyz\n\n"
    "Exit codes: 0 done, 2 bad option, 4 a record fails verification on read,\n"
    "5 store unavailable."};

struct Coverage {
  uint64_t events = 0;
  MicrosUtc first = 0, last = 0;
  std::map<std::string, uint64_t> kinds, unmapped;
};

using Key = std::pair<std::string, std::string>;  // org, source

void Add(const Event& e, Coverage* c) {
  if (c->events++ == 0 || e.ts < c->first) c->first = e.ts;
  if (c->events == 1 || e.ts > c->last) c->last = e.ts;
  ++c->kinds[std::string(KindName(e.kind))];
  if (e.kind == Kind::kUnmapped) ++c->unmapped[e.action.value_or("")];
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
  *out += "}\n";
}

void AppendTableLine(const Key& key, const Coverage& c, std::string* out) {
  auto pad = [](std::string s, size_t n) {
    s.resize(std::max(s.size() + 1, n), ' ');
    return s;
  };
  uint64_t unmapped = 0;
  for (const auto& [action, n] : c.unmapped) unmapped += n;
  *out += pad(key.first, 19) + pad(key.second, 24) + pad(std::to_string(c.events), 9) +
          pad(FormatOutput(c.first), 28) + pad(FormatOutput(c.last), 28) +
          std::to_string(unmapped) + "\n";
}

}  // namespace

int RunSources(int argc, char** argv) {
  std::string db, format = "jsonl";
  FilterOptions filter_options;
  po::options_description options("Options");
  AddDbOption(&options, &db);
  AddFilterOptions(&options, &filter_options);
  options.add_options()("format", po::value(&format)->value_name("F"), "jsonl (default) or table");
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
  Status s = (*opened)->ScanEvents(*filter, [&](uint64_t, const Event& e) {
    Add(e, &coverage[{e.org, e.source.value_or("(none)")}]);
    return Status::Ok();
  });
  if (!s.ok()) return ReportError("sources", s);
  OutputBuffer out(stdout);
  if (format == "table") {
    *out.buffer() +=
        "ORG                SOURCE                  EVENTS   FIRST                       "
        "LAST                        UNMAPPED\n";
  }
  for (const auto& [key, c] : coverage) {
    (format == "table" ? AppendTableLine : AppendJsonLine)(key, c, out.buffer());
  }
  s = out.Flush();
  return s.ok() ? kExitOk : ReportError("sources", s);
}

}  // namespace authtrail::tools
