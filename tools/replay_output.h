// Formatting of replay lines (cli.md "replay --format jsonl", csv, table).
#pragma once

#include <string>
#include <vector>

#include "replay/replayer.h"
#include "schemas/event.h"

namespace authtrail::tools {

// A decision column to print: "as-of" or one rule set.
struct ColumnSpec {
  bool as_of = false;
  replay::RuleSet rule_set = replay::RuleSet::kPre2014;
  std::string name;  // "as-of", "pre2014", ...
  // `"name":` as a JSON key (ParseRules fills it; when empty, the JSON
  // writer quotes `name` itself).
  std::string json_key;
};

// Parses --rules (comma-separated; default all five). kInvalidArgument on an unknown id.
Result<std::vector<ColumnSpec>> ParseRules(const std::string& list);

const replay::Decision& DecisionOf(const replay::ReplayLine& line, const ColumnSpec& c);

// One JSON object of a decision (cli.md key order). tools/replay_json.cc.
void AppendDecisionJson(const replay::Decision& d, std::string* out);
// One replay line as JSON (no trailing newline).
void AppendReplayJson(const Event& e, const replay::ReplayLine& line,
                      const std::vector<ColumnSpec>& columns, std::string* out);

// CSV: a header row, then one row per line; cells are quoted when needed and
// cells a spreadsheet would run as a formula are prefixed with '.
std::string CsvHeader(const std::vector<ColumnSpec>& columns);
void AppendReplayCsv(const Event& e, const replay::ReplayLine& line,
                     const std::vector<ColumnSpec>& columns, std::string* out);
void AppendCsvCell(std::string_view cell, std::string* out);

// Table: fixed-width columns for a terminal.
std::string TableHeader(const std::vector<ColumnSpec>& columns);
void AppendReplayTable(const Event& e, const replay::ReplayLine& line,
                       const std::vector<ColumnSpec>& columns, std::string* out);

// "allow ALLOW_STANDARD" style summary of a decision (indeterminate: both branches).
std::string ShortDecision(const replay::Decision& d);

}  // namespace authtrail::tools
