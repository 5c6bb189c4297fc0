// authtrail replay: decide every access event under the as-of rule set and
// each of the four rule sets (cli.md, rules.md).
#include <iostream>

#include "replay/replayer.h"
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
    "replay", "authtrail replay [--db DIR] [--rules LIST] [filters] [--format F] [--reading R]...",
    "Fold the stored history in time order and decide every access event (login.ui,\n"
    "oauth.authorize, oauth.token, api.call, soap.login) under the rule set in force\n"
    "at its time (as-of) and under each of the four rule sets:\n"
    "  pre2014  allowlisted apps bypass API Enabled (before 10 Sep 2014)\n"
    "  api2014  allowlisted apps must respect API Enabled (from 10 Sep 2014)\n"
    "  sep2025  Connected App Usage Restrictions (from Sep 2025)\n"
    "  dec2025  Use Any API Client no longer self-authorizes (from Dec 2025)\n"
    "Each decision names its reason code and the clause that fired (docs/rules.md).\n"
    "RECORDED_ALLOW_PREDICTED_DENY marks accesses the platform allowed although the\n"
    "rules in force say deny: the first thing an investigator looks at.\n\n"
    "Filters select which events are printed; the whole history of their orgs is\n"
    "still folded, so decisions are the same with or without filters.\n\n"
    "Examples:\n"
    "  authtrail replay --format table --since 2025-09-01T00:00:00Z\n"
    "  authtrail replay --rules as-of,dec2025 --app 3MVG9dataloaderclone\n"
    "  authtrail replay --reading use_any_bypasses_block=true\n\n"
    "Exit codes: 0 done, 2 usage error, 4 a record fails verification, 5 store unavailable."};

struct Printer {
  std::string format;
  std::vector<ColumnSpec> columns;
  OutputBuffer* out;

  void Header() {
    if (format == "csv") *out->buffer() += CsvHeader(columns);
    if (format == "table") *out->buffer() += TableHeader(columns);
  }
  Status Print(const Event& e, const replay::ReplayLine& line) {
    std::string* buf = out->buffer();
    if (format == "csv") {
      AppendReplayCsv(e, line, columns, buf);
    } else if (format == "table") {
      AppendReplayTable(e, line, columns, buf);
    } else {
      AppendReplayJson(e, line, columns, buf);
      *buf += '\n';
    }
    return out->MaybeFlush();
  }
};

}  // namespace

int RunReplay(int argc, char** argv) {
  std::string db, rules, format;
  std::vector<std::string> reading_args;
  FilterOptions filter_options;
  po::options_description options("Options");
  AddDbOption(&options, &db);
  options.add_options()(
      "rules",
      po::value(&rules)->default_value("as-of,pre2014,api2014,sep2025,dec2025")->value_name("LIST"),
      "decision columns to print, comma-separated")(
      "format", po::value(&format)->default_value("jsonl")->value_name("F"), "jsonl, csv or table");
  AddFilterOptions(&options, &filter_options);
  AddReadingOption(&options, &reading_args);
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  if (format != "jsonl" && format != "csv" && format != "table") {
    return ReportError("replay", Status::InvalidArgument("--format: expected jsonl, csv or table"));
  }
  auto columns = ParseRules(rules);
  if (!columns.ok()) return ReportError("replay", columns.status());
  auto filter = BuildFilter(filter_options);
  if (!filter.ok()) return ReportError("replay", filter.status());
  auto readings = ParseReadings(reading_args);
  if (!readings.ok()) return ReportError("replay", readings.status());

  auto st = store::Store::Open(db, store::StoreOptions{});
  if (!st.ok()) return ReportError("replay", st.status());
  OutputBuffer out(stdout);
  Printer printer{format, *columns, &out};
  printer.Header();
  replay::ReplayOptions ro;
  ro.readings = *readings;
  Progress progress;
  Status s =
      ReplayStore(st->get(), *filter, ro, [&](const Event& e, const replay::ReplayLine& line) {
        if (progress.Due()) progress.Show("replay: seq " + std::to_string(line.seq));
        return printer.Print(e, line);
      });
  progress.Clear();
  if (s.ok()) s = out.Flush();
  return s.ok() ? kExitOk : ReportError("replay", s);
}

}  // namespace authtrail::tools
