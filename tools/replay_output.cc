#include "tools/replay_output.h"

#include <algorithm>

#include "schemas/canonical.h"

namespace authtrail::tools {

using replay::Decision;
using replay::ReplayLine;
using replay::RuleSet;

Result<std::vector<ColumnSpec>> ParseRules(const std::string& list) {
  std::vector<ColumnSpec> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string id =
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::string key;
    AppendJsonString(id, &key);
    key += ':';
    if (id == "as-of") {
      out.push_back({true, RuleSet::kPre2014, id, key});
    } else if (auto rs = replay::RuleSetFromName(id)) {
      out.push_back({false, *rs, id, key});
    } else {
      return Status::InvalidArgument("--rules: unknown rule set '" + id +
                                     "' (use as-of, pre2014, api2014, sep2025, dec2025)");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

const Decision& DecisionOf(const ReplayLine& line, const ColumnSpec& c) {
  return c.as_of ? line.decisions.as_of : line.decisions.columns[static_cast<size_t>(c.rule_set)];
}

namespace {

std::vector<std::string> LineFlags(const ReplayLine& line) {
  std::vector<std::string> out;
  if (line.line_flags & replay::kRecordedAllowPredictedDeny)
    out.push_back("RECORDED_ALLOW_PREDICTED_DENY");
  if (line.line_flags & replay::kRecordedDenyPredictedAllow)
    out.push_back("RECORDED_DENY_PREDICTED_ALLOW");
  return out;
}

std::string_view AsOfName(const ReplayLine& line) {
  auto rs = line.decisions.as_of_rule_set;
  return rs ? replay::RuleSetName(*rs) : "indeterminate";
}

}  // namespace

// AppendDecisionJson and AppendReplayJson: tools/replay_json.cc.

// ---- CSV ----

void AppendCsvCell(std::string_view cell, std::string* out) {
  bool formula = !cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' ||
                                   cell[0] == '@' || cell[0] == '\t' || cell[0] == '\r');
  // A plain loop: find_first_of(",\"\n\r") runs a traits search of the set
  // for every byte, and was most of a CSV row's cost (callgrind).
  bool quote = formula || std::any_of(cell.begin(), cell.end(), [](char c) {
                 return c == ',' || c == '"' || c == '\n' || c == '\r';
               });
  if (!quote) {
    *out += cell;
    return;
  }
  *out += '"';
  if (formula) *out += '\'';
  for (char c : cell) {
    if (c == '"') *out += '"';
    *out += c;
  }
  *out += '"';
}

std::string CsvHeader(const std::vector<ColumnSpec>& columns) {
  std::string h = "seq,id,ts,org,kind,user,app,flow,recorded,as_of";
  for (const auto& c : columns)
    h += "," + c.name + "_decision," + c.name + "_reason," + c.name + "_clause";
  return h + ",flags\n";
}

namespace {
void AppendShortDecision(const Decision& d, std::string* out) {
  if (d.verdict != replay::Verdict::kIndeterminate) {
    out->append(replay::VerdictName(d.verdict)).append(" ").append(replay::ReasonName(d.reason));
    return;
  }
  out->append("indeterminate (enforced: ");
  AppendShortDecision(*d.if_enforced, out);
  out->append("; not enforced: ");
  AppendShortDecision(*d.if_not_enforced, out);
  out->push_back(')');
}
}  // namespace

std::string ShortDecision(const Decision& d) {
  std::string out;
  AppendShortDecision(d, &out);
  return out;
}

namespace {

// Writes the cells of one CSV row, with a comma between them.
class CsvRow {
 public:
  explicit CsvRow(std::string* out) : out_(out) {}
  void Cell(std::string_view cell) {
    if (!first_) out_->push_back(',');
    first_ = false;
    AppendCsvCell(cell, out_);
  }

 private:
  std::string* out_;
  bool first_ = true;
};

}  // namespace

// Cells go straight into the row (no vector of strings per record).
void AppendReplayCsv(const Event& e, const ReplayLine& line, const std::vector<ColumnSpec>& columns,
                     std::string* out) {
  CsvRow row(out);
  row.Cell(std::to_string(line.seq));
  row.Cell(e.id.value_or(""));
  row.Cell(FormatOutput(e.ts));
  row.Cell(e.org);
  row.Cell(KindName(e.kind));
  row.Cell(e.user.value_or(""));
  row.Cell(e.app.value_or(""));
  row.Cell(line.flow.value_or(""));
  row.Cell(e.outcome ? fb::EnumNameOutcome(*e.outcome) : "");
  row.Cell(AsOfName(line));
  for (const auto& c : columns) {
    const Decision& d = DecisionOf(line, c);
    row.Cell(replay::VerdictName(d.verdict));
    row.Cell(replay::ReasonName(d.reason));
    row.Cell(replay::ClauseName(d.clause));
  }
  std::string flags;
  for (const auto& f : LineFlags(line)) flags += (flags.empty() ? "" : " ") + f;
  row.Cell(flags);
  *out += '\n';
}

// ---- table ----

namespace {
// Pads what was appended since `start` to `width`, then one space.
void PadFrom(size_t start, size_t width, std::string* out) {
  size_t n = out->size() - start;
  if (n < width) out->append(width - n, ' ');
  *out += ' ';
}

void Pad(std::string_view s, size_t width, std::string* out) {
  size_t start = out->size();
  *out += s;
  PadFrom(start, width, out);
}

// The timestamp to the second: "YYYY-MM-DDTHH:MM:SSZ".
void AppendSeconds(MicrosUtc ts, std::string* out) {
  size_t start = out->size();
  AppendOutput(ts, out);
  out->resize(start + std::min<size_t>(out->size() - start, 19));
  out->push_back('Z');
}
}  // namespace

std::string TableHeader(const std::vector<ColumnSpec>& columns) {
  std::string h;
  Pad("SEQ", 8, &h);
  Pad("TS", 20, &h);
  Pad("KIND", 15, &h);
  Pad("USER", 18, &h);
  Pad("APP", 20, &h);
  for (const auto& c : columns) Pad(c.name, 40, &h);
  h += "FLAGS\n";
  return h;
}

void AppendReplayTable(const Event& e, const ReplayLine& line,
                       const std::vector<ColumnSpec>& columns, std::string* out) {
  // Cells are written in place and padded (no string per cell).
  Pad(std::to_string(line.seq), 8, out);
  size_t start = out->size();
  AppendSeconds(e.ts, out);
  PadFrom(start, 20, out);
  Pad(KindName(e.kind), 15, out);
  Pad(e.user ? std::string_view(*e.user) : "-", 18, out);
  Pad(e.app ? std::string_view(*e.app) : "-", 20, out);
  for (const auto& c : columns) {
    start = out->size();
    AppendShortDecision(DecisionOf(line, c), out);
    PadFrom(start, 40, out);
  }
  for (const auto& f : LineFlags(line)) *out += f + " ";
  *out += '\n';
}

}  // namespace authtrail::tools
