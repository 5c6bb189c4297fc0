// authtrail diff: the events whose decision differs between two rule sets.
#include <iostream>
#include <map>

#include "schemas/canonical.h"
#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/filters.h"
#include "tools/output.h"
#include "tools/progress.h"
#include "tools/replay_output.h"
#include "tools/replay_source.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "diff", "authtrail diff --from R --to R [filters] [--group-by G] [--format F] [--reading R]...",
    "Replay the history and list the access events whose decision differs between\n"
    "two rule sets (R: as-of, pre2014, api2014, sep2025, dec2025). Prints the count\n"
    "of each transition (allow→deny, deny→allow, ...), the counts per group, then the\n"
    "events with both decisions. Decisions differ when their verdicts differ;\n"
    "a change of reason alone is not a difference.\n\n"
    "Examples:\n"
    "  authtrail diff --from api2014 --to sep2025 --group-by app\n"
    "  authtrail diff --from as-of --to dec2025 --user 0055g00000AbCdE --format table\n\n"
    "Output (jsonl): {\"summary\":...}, one {\"group\":...} per group, then one line per\n"
    "event. Exit codes: 0 done, 2 usage error, 4 integrity failure, 5 store unavailable."};

std::string Transition(const replay::Decision& from, const replay::Decision& to) {
  return std::string(replay::VerdictName(from.verdict)) + "\u2192" +
         std::string(replay::VerdictName(to.verdict));
}

std::string GroupKey(const std::string& by, const Event& e, const replay::Decision& to) {
  if (by == "app") return e.app.value_or("");
  if (by == "user") return e.user.value_or("");
  if (by == "reason") return std::string(replay::ReasonName(to.reason));
  return std::string(KindName(e.kind));
}

struct Changed {
  Event event;
  replay::ReplayLine line;
  std::string transition, group;
};

struct Counts {
  uint64_t events = 0;
  std::map<std::string, uint64_t> transitions;
  std::map<std::string, std::map<std::string, uint64_t>> groups;  // group -> transition -> n
};

void AppendCountsJson(const std::map<std::string, uint64_t>& m, std::string* out) {
  *out += '{';
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) *out += ',';
    first = false;
    AppendJsonString(k, out);
    *out += ':' + std::to_string(v);
  }
  *out += '}';
}

void PrintJsonl(const ColumnSpec& from, const ColumnSpec& to, const std::string& by,
                const Counts& c, const std::vector<Changed>& changed, std::string* out) {
  *out += "{\"summary\":{\"from\":\"" + from.name + "\",\"to\":\"" + to.name +
          "\",\"events\":" + std::to_string(c.events) +
          ",\"changed\":" + std::to_string(changed.size()) + ",\"transitions\":";
  AppendCountsJson(c.transitions, out);
  *out += "}}\n";
  for (const auto& [group, transitions] : c.groups) {
    *out += "{\"group\":{\"by\":\"" + by + "\",\"key\":";
    AppendJsonString(group, out);
    *out += ",\"transitions\":";
    AppendCountsJson(transitions, out);
    *out += "}}\n";
  }
  for (const Changed& ch : changed) {
    AppendReplayJson(ch.event, ch.line, {from, to}, out);
    out->pop_back();  // reopen the object to add the transition
    *out += ",\"transition\":";
    AppendJsonString(ch.transition, out);
    *out += "}\n";
  }
}

void PrintTable(const ColumnSpec& from, const ColumnSpec& to, const std::string& by,
                const Counts& c, const std::vector<Changed>& changed, std::string* out) {
  *out += from.name + " -> " + to.name + ": " + std::to_string(changed.size()) + " of " +
          std::to_string(c.events) + " access events change\n";
  for (const auto& [t, n] : c.transitions) *out += "  " + t + "  " + std::to_string(n) + "\n";
  *out += "\nby " + by + ":\n";
  for (const auto& [group, transitions] : c.groups) {
    *out += "  " + (group.empty() ? std::string("(none)") : group) + ":";
    for (const auto& [t, n] : transitions) *out += "  " + t + " " + std::to_string(n);
    *out += "\n";
  }
  *out += "\n" + TableHeader({from, to});
  for (const Changed& ch : changed) AppendReplayTable(ch.event, ch.line, {from, to}, out);
}

void PrintCsv(const ColumnSpec& from, const ColumnSpec& to, const std::vector<Changed>& changed,
              std::string* out) {
  std::string header = CsvHeader({from, to});
  header.insert(header.size() - 1, ",transition,group");
  *out += header;
  for (const Changed& ch : changed) {
    std::string row;
    AppendReplayCsv(ch.event, ch.line, {from, to}, &row);
    row.pop_back();
    row += ',';
    AppendCsvCell(ch.transition, &row);
    row += ',';
    AppendCsvCell(ch.group, &row);
    *out += row + "\n";
  }
}

Result<ColumnSpec> OneColumn(const char* option, const std::string& id) {
  AT_ASSIGN_OR_RETURN(auto cols, ParseRules(id));
  if (cols.size() != 1) return Status::InvalidArgument(std::string(option) + ": give one rule set");
  return cols[0];
}

}  // namespace

int RunDiff(int argc, char** argv) {
  std::string db, from_id, to_id, group_by, format;
  std::vector<std::string> reading_args;
  FilterOptions filter_options;
  po::options_description options("Options");
  AddDbOption(&options, &db);
  options.add_options()("from", po::value(&from_id)->required()->value_name("R"),
                        "the rule set before")("to", po::value(&to_id)->required()->value_name("R"),
                                               "the rule set after")(
      "group-by", po::value(&group_by)->default_value("app")->value_name("G"),
      "app, user, reason (the 'to' reason) or kind")(
      "format", po::value(&format)->default_value("jsonl")->value_name("F"), "jsonl, csv or table");
  AddFilterOptions(&options, &filter_options);
  AddReadingOption(&options, &reading_args);
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  auto from = OneColumn("--from", from_id);
  if (!from.ok()) return ReportError("diff", from.status());
  auto to = OneColumn("--to", to_id);
  if (!to.ok()) return ReportError("diff", to.status());
  if (group_by != "app" && group_by != "user" && group_by != "reason" && group_by != "kind") {
    return ReportError("diff",
                       Status::InvalidArgument("--group-by: expected app, user, reason or kind"));
  }
  if (format != "jsonl" && format != "csv" && format != "table") {
    return ReportError("diff", Status::InvalidArgument("--format: expected jsonl, csv or table"));
  }
  auto filter = BuildFilter(filter_options);
  if (!filter.ok()) return ReportError("diff", filter.status());
  auto readings = ParseReadings(reading_args);
  if (!readings.ok()) return ReportError("diff", readings.status());
  auto st = store::Store::Open(db, store::StoreOptions{});
  if (!st.ok()) return ReportError("diff", st.status());

  replay::ReplayOptions ro;
  ro.readings = *readings;
  Counts counts;
  std::vector<Changed> changed;
  Status s = ReplayStore(st->get(), *filter, ro, [&](const Event& e, const replay::ReplayLine& l) {
    ++counts.events;
    const replay::Decision& a = DecisionOf(l, *from);
    const replay::Decision& b = DecisionOf(l, *to);
    if (replay::SameVerdicts(a, b)) return Status::Ok();
    Changed ch{e, l, Transition(a, b), GroupKey(group_by, e, b)};
    ++counts.transitions[ch.transition];
    ++counts.groups[ch.group][ch.transition];
    changed.push_back(std::move(ch));
    return Status::Ok();
  });
  if (!s.ok()) return ReportError("diff", s);
  OutputBuffer out(stdout);
  if (format == "jsonl") PrintJsonl(*from, *to, group_by, counts, changed, out.buffer());
  if (format == "table") PrintTable(*from, *to, group_by, counts, changed, out.buffer());
  if (format == "csv") PrintCsv(*from, *to, changed, out.buffer());
  s = out.Flush();
  return s.ok() ? kExitOk : ReportError("diff", s);
}

}  // namespace authtrail::tools
