// authtrail impact: what a rule change, a hypothetical setting change
// (--assume) or another reading of an ambiguity would change in the recorded
// accesses, as a summary on standard output and an HTML report (docs/impact.md).
#include <cstdio>

#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/filters.h"
#include "tools/impact_html.h"
#include "tools/impact_run.h"
#include "tools/impact_text.h"
#include "tools/output.h"
#include "tools/replay_source.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "impact",
    "authtrail impact --from R --to R [filters] [--assume FILE] [--html FILE] [--format F] "
    "[--reading R]...",
    "Answer three questions about the recorded accesses in one pass over the store:\n"
    "  1. Rule change: which accesses, apps and users flip between two rule sets\n"
    "     (R: as-of, pre2014, api2014, sep2025, dec2025), with example events.\n"
    "  2. What-if (--assume FILE): replay the history as if the state events in FILE\n"
    "     (native JSONL, e.g. an org.setting, an app.install, a permset.assign) had\n"
    "     happened, merged in time order; they are not stored. Lists the users, apps\n"
    "     and integrations (user via app) that gain or lose access under --to, with\n"
    "     the first event of each flip and the clause responsible.\n"
    "  3. Sensitivity: replay under each flipped reading of rules.md §10 and count\n"
    "     the decisions (verdict under --from or --to) each one changes; decisions\n"
    "     no reading changes are robust.\n"
    "It also lists the suspect grants (recorded success, as-of deny). --html writes a\n"
    "self-contained report (no script, no network) with a timeline per rule set.\n"
    "Filters select the accesses analysed; whole org histories are still folded.\n\n"
    "Examples:\n"
    "  authtrail impact --from api2014 --to sep2025 --html impact.html\n"
    "  authtrail impact --from as-of --to as-of --assume aac_on.jsonl --format table\n"
    "  authtrail impact --from as-of --to dec2025 --since 2025-09-01T00:00:00Z --format jsonl\n\n"
    "Output: table (default), jsonl or csv (docs/impact.md). Exit codes: 0 done,\n"
    "2 usage error (also a bad --assume line), 4 integrity failure, 5 store\n"
    "unavailable or the report cannot be written."};

struct Args {
  std::string db, from, to, assume, html, format;
  std::vector<std::string> readings;
  FilterOptions filters;
};

std::string DescribeFilters(const FilterOptions& f) {
  std::string out;
  auto add = [&](const char* name, const std::string& v) {
    if (!v.empty()) out += (out.empty() ? "" : " ") + std::string(name) + " " + v;
  };
  add("--org", f.org);
  add("--user", f.user);
  add("--app", f.app);
  add("--since", f.since);
  add("--until", f.until);
  add("--kind", f.kind);
  return out;
}

Result<ColumnSpec> OneColumn(const char* option, const std::string& id) {
  Result<std::vector<ColumnSpec>> cols = ParseRules(id);
  if (!cols.ok() || cols->size() != 1) {
    return Status::InvalidArgument(std::string(option) + ": expected one of as-of, pre2014, " +
                                   "api2014, sep2025, dec2025; got '" + id + "'");
  }
  return cols->front();
}

// Everything the command line says, checked before the store is opened.
Result<ImpactOptions> BuildOptions(const Args& a) {
  ImpactOptions o;
  AT_ASSIGN_OR_RETURN(o.from, OneColumn("--from", a.from));
  AT_ASSIGN_OR_RETURN(o.to, OneColumn("--to", a.to));
  AT_ASSIGN_OR_RETURN(o.readings, ParseReadings(a.readings));
  if (a.format != "table" && a.format != "jsonl" && a.format != "csv") {
    return Status::InvalidArgument("--format: expected table, jsonl or csv");
  }
  if (!a.assume.empty()) {
    AT_ASSIGN_OR_RETURN(o.assumed, LoadAssumed(a.assume));
    o.whatif = true;
  }
  return o;
}

Status WriteFile(const std::string& path, const std::string& content) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::IOError("--html " + path + ": cannot create the file");
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok = std::fclose(f) == 0 && ok;
  return ok ? Status::Ok() : Status::IOError("--html " + path + ": write failed");
}

Status Run(const Args& a) {
  AT_ASSIGN_OR_RETURN(ImpactOptions options, BuildOptions(a));
  AT_ASSIGN_OR_RETURN(store::ScanFilter filter, BuildFilter(a.filters));
  AT_ASSIGN_OR_RETURN(auto st, store::Store::Open(a.db, store::StoreOptions{}));
  ImpactReport report;
  Progress progress;
  AT_RETURN_IF_ERROR(AnalyzeImpact(st.get(), filter, options, &progress, &report));
  report.from = options.from.name;
  report.to = options.to.name;
  report.filters = DescribeFilters(a.filters);
  report.assume_file = a.assume;
  report.readings = replay::DescribeReadings(options.readings);
  if (!a.html.empty()) AT_RETURN_IF_ERROR(WriteFile(a.html, RenderImpactHtml(report)));
  OutputBuffer out(stdout);
  if (a.format == "table") AppendImpactTable(report, out.buffer());
  if (a.format == "jsonl") AppendImpactJsonl(report, out.buffer());
  if (a.format == "csv") AppendImpactCsv(report, out.buffer());
  return out.Flush();
}

}  // namespace

int RunImpact(int argc, char** argv) {
  Args a;
  po::options_description options("Options");
  AddDbOption(&options, &a.db);
  options.add_options()("from", po::value(&a.from)->required()->value_name("R"),
                        "the rule set before (as-of allowed)")(
      "to", po::value(&a.to)->required()->value_name("R"),
      "the rule set after; the what-if is decided under it")(
      "assume", po::value(&a.assume)->value_name("FILE"),
      "hypothetical state events (native JSONL) to fold into the history; not stored")(
      "html", po::value(&a.html)->value_name("FILE"), "also write the HTML report to FILE")(
      "format", po::value(&a.format)->default_value("table")->value_name("F"),
      "table, jsonl or csv (standard output)");
  AddFilterOptions(&options, &a.filters);
  AddReadingOption(&options, &a.readings);
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  Status s = Run(a);
  return s.ok() ? kExitOk : ReportError("impact", s);
}

}  // namespace authtrail::tools
