// authtrail diff: the events whose decision differs between two rule sets.
#include <cstdio>
#include <iostream>
#include <map>
#include <vector>

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

struct Counts {
  uint64_t events = 0, changed = 0;
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

// What precedes the rows: the summary and the per-group counts (jsonl,
// table) or the header line (csv).
void AppendHead(const std::string& format, const ColumnSpec& from, const ColumnSpec& to,
                const std::string& by, const Counts& c, std::string* out) {
  if (format == "csv") {
    std::string header = CsvHeader({from, to});
    header.insert(header.size() - 1, ",transition,group");
    *out += header;
    return;
  }
  if (format == "table") {
    *out += from.name + " -> " + to.name + ": " + std::to_string(c.changed) + " of " +
            std::to_string(c.events) + " access events change\n";
    for (const auto& [t, n] : c.transitions) *out += "  " + t + "  " + std::to_string(n) + "\n";
    *out += "\nby " + by + ":\n";
    for (const auto& [group, transitions] : c.groups) {
      *out += "  " + (group.empty() ? std::string("(none)") : group) + ":";
      for (const auto& [t, n] : transitions) *out += "  " + t + " " + std::to_string(n);
      *out += "\n";
    }
    *out += "\n" + TableHeader({from, to});
    return;
  }
  *out += "{\"summary\":{\"from\":\"" + from.name + "\",\"to\":\"" + to.name +
          "\",\"events\":" + std::to_string(c.events) +
          ",\"changed\":" + std::to_string(c.changed) + ",\"transitions\":";
  AppendCountsJson(c.transitions, out);
  *out += "}}\n";
  for (const auto& [group, transitions] : c.groups) {
    *out += "{\"group\":{\"by\":\"" + by + "\",\"key\":";
    AppendJsonString(group, out);
    *out += ",\"transitions\":";
    AppendCountsJson(transitions, out);
    *out += "}}\n";
  }
}

// One changed event's row.
void AppendRow(const std::string& format, const ColumnSpec& from, const ColumnSpec& to,
               const Event& e, const replay::ReplayLine& line, const std::string& transition,
               const std::string& group, std::string* out) {
  if (format == "table") {
    AppendReplayTable(e, line, {from, to}, out);
  } else if (format == "csv") {
    AppendReplayCsv(e, line, {from, to}, out);
    out->pop_back();
    *out += ',';
    AppendCsvCell(transition, out);
    *out += ',';
    AppendCsvCell(group, out);
    *out += '\n';
  } else {
    AppendReplayJson(e, line, {from, to}, out);
    out->pop_back();  // reopen the object to add the transition
    *out += ",\"transition\":";
    AppendJsonString(transition, out);
    *out += "}\n";
  }
}

// The rows go to a temporary file while the counts that head them are being
// made, so memory stays bounded by the state, not by how many events change.
class RowSpill {
 public:
  RowSpill() : file_(std::tmpfile()), out_(file_) {}
  ~RowSpill() {
    if (file_ != nullptr) std::fclose(file_);
  }
  RowSpill(const RowSpill&) = delete;
  RowSpill& operator=(const RowSpill&) = delete;

  Status status() const {
    return file_ != nullptr ? Status::Ok()
                            : Status::IOError("cannot create a temporary file for the rows");
  }
  std::string* buffer() { return out_.buffer(); }
  Status MaybeFlush() { return out_.MaybeFlush(); }
  // Writes every row to `to`, after what `to` already holds.
  Status CopyTo(std::FILE* to) {
    AT_RETURN_IF_ERROR(out_.Flush());
    if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) {
      return Status::IOError("cannot read back the temporary rows file");
    }
    std::vector<char> chunk(1 << 20);
    for (size_t n; (n = std::fread(chunk.data(), 1, chunk.size(), file_)) > 0;) {
      if (std::fwrite(chunk.data(), 1, n, to) != n) return Status::IOError("cannot write output");
    }
    if (std::ferror(file_)) return Status::IOError("cannot read back the temporary rows file");
    return std::fflush(to) == 0 ? Status::Ok() : Status::IOError("cannot write output");
  }

 private:
  std::FILE* file_;
  OutputBuffer out_;
};

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
  RowSpill rows;
  if (!rows.status().ok()) return ReportError("diff", rows.status());
  Progress progress;
  Status s = ReplayStore(st->get(), *filter, ro, [&](const Event& e, const replay::ReplayLine& l) {
    if (progress.Due()) progress.Show("diff: seq " + std::to_string(l.seq));
    ++counts.events;
    const replay::Decision& a = DecisionOf(l, *from);
    const replay::Decision& b = DecisionOf(l, *to);
    if (replay::SameVerdicts(a, b)) return Status::Ok();
    const std::string transition = Transition(a, b), group = GroupKey(group_by, e, b);
    ++counts.changed;
    ++counts.transitions[transition];
    ++counts.groups[group][transition];
    AppendRow(format, *from, *to, e, l, transition, group, rows.buffer());
    return rows.MaybeFlush();
  });
  progress.Clear();
  if (!s.ok()) return ReportError("diff", s);
  OutputBuffer out(stdout);
  AppendHead(format, *from, *to, group_by, counts, out.buffer());
  s = out.Flush();
  if (s.ok()) s = rows.CopyTo(stdout);
  return s.ok() ? kExitOk : ReportError("diff", s);
}

}  // namespace authtrail::tools
