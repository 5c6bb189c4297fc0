// RecordReader implementations: CSV (header + rows, via CsvReader) and JSON
// (query results or JSON Lines; simdjson on-demand to find each record's
// span and position, then the DOM API to flatten that one record).
#include "ingest/records.h"

#include <simdjson.h>

#include <algorithm>
#include <deque>

namespace authtrail::ingest {
namespace {

namespace od = simdjson::ondemand;
namespace dom = simdjson::dom;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ---- CSV ----

class CsvRecordReader : public RecordReader {
 public:
  explicit CsvRecordReader(LineSource lines) : csv_(std::move(lines)) {}
  std::string_view syntax() const override { return "csv"; }
  std::string_view header() const override { return header_raw_; }

  Outcome Next(SourceRecord* record, RecordError* error) override {
    while (true) {
      CsvError csv_error;
      CsvReader::Outcome o = csv_.Next(&row_, &csv_error);
      if (o == CsvReader::Outcome::kEnd) return Outcome::kEnd;
      record->raw = csv_.raw();
      record->pos = csv_.start();
      if (o == CsvReader::Outcome::kError) {
        *error = {csv_error.pos, csv_error.reason};
        return Outcome::kError;
      }
      if (!have_header_) {
        for (const CsvField& f : row_) header_.emplace_back(Trim(f.value));
        header_raw_ = csv_.raw();
        have_header_ = true;
        continue;
      }
      return Fill(record, error);
    }
  }

 private:
  Outcome Fill(SourceRecord* record, RecordError* error) {
    if (row_.size() != header_.size()) {
      *error = {csv_.start(), "record has " + std::to_string(row_.size()) +
                                  " fields; the header has " + std::to_string(header_.size())};
      return Outcome::kError;
    }
    record->fields.resize(row_.size());
    for (size_t i = 0; i < row_.size(); ++i) {
      record->fields[i] = {header_[i], std::move(row_[i].value), row_[i].pos};
    }
    return Outcome::kRecord;
  }

  CsvReader csv_;
  std::vector<CsvField> row_;
  std::vector<std::string> header_;
  std::string header_raw_;
  bool have_header_ = false;
};

// ---- JSON ----

struct Span {
  size_t begin, end;
};

class JsonRecordReader : public RecordReader {
 public:
  explicit JsonRecordReader(LineSource lines) {
    std::string_view line;
    uint64_t no = 0;
    while (lines(&line, &no)) {
      line_starts_.push_back(text_.size());
      text_.append(line);
      text_ += '\n';
    }
  }
  std::string_view syntax() const override { return "json"; }

  Outcome Next(SourceRecord* record, RecordError* error) override {
    if (!scanned_) Scan();
    if (!errors_.empty() && (next_ == spans_.size() || errors_.front().before <= next_)) {
      Pending& p = errors_.front();
      *error = std::move(p.error);
      record->pos = error->pos;
      record->raw.assign(text_, p.doc.begin, p.doc.end - p.doc.begin);
      errors_.pop_front();
      return Outcome::kError;
    }
    if (next_ == spans_.size()) return Outcome::kEnd;
    Span s = spans_[next_++];
    return Flatten(s, record, error);
  }

 private:
  TextPos PosOf(size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    size_t line = it - line_starts_.begin();  // 1-based: the line holding offset
    size_t start = line == 0 ? 0 : line_starts_[line - 1];
    return {line, static_cast<uint32_t>(offset - start + 1)};
  }

  // An error in the document being scanned (doc_), before record spans_.size().
  void AddError(size_t offset, std::string reason) {
    errors_.push_back({spans_.size(), doc_, {PosOf(offset), std::move(reason)}});
  }

  // JSON Lines when the first non-blank line is a whole JSON value on its
  // own and more follows; one document otherwise.
  void Scan() {
    scanned_ = true;
    size_t first = text_.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return;
    if (first < 3 && text_.starts_with("\xEF\xBB\xBF"))
      first = text_.find_first_not_of(" \t\r\n", 3);
    if (first == std::string::npos) return;
    size_t eol = text_.find('\n', first);
    bool more = text_.find_first_not_of(" \t\r\n", eol) != std::string::npos;
    dom::element ignored;
    if (more && !dom_.parse(text_.data() + first, eol - first).get(ignored)) {
      ScanLines(first);
    } else {
      ScanDocument({first, text_.size()});
    }
  }

  void ScanLines(size_t from) {
    while (from < text_.size()) {
      size_t eol = text_.find('\n', from);
      std::string_view l = Trim(std::string_view(text_).substr(from, eol - from));
      if (!l.empty() && l != "\r") ScanDocument({from, eol});
      from = eol + 1;
    }
  }

  // Appends the spans of the records of the document text_[s.begin, s.end).
  void ScanDocument(Span s) {
    doc_ = s;
    // Validate the whole document first: records of a broken document cannot
    // be trusted, and on-demand parsing would only find the damage late.
    dom::element whole;
    if (auto e = dom_.parse(text_.data() + s.begin, s.end - s.begin).get(whole)) {
      return AddError(s.begin, Why(e));
    }
    simdjson::padded_string doc_text(text_.data() + s.begin, s.end - s.begin);
    od::document doc;
    if (auto e = od_.iterate(doc_text).get(doc)) return AddError(s.begin, Why(e));
    auto offset = [&](std::string_view raw) {
      return s.begin + static_cast<size_t>(raw.data() - doc_text.data());
    };
    od::json_type type;
    if (auto e = doc.type().get(type)) return AddError(s.begin, Why(e));
    if (type == od::json_type::array) {
      od::array arr;
      if (auto e = doc.get_array().get(arr)) return AddError(s.begin, Why(e));
      return ScanArray(arr, offset, s.begin);
    }
    if (type != od::json_type::object) {
      return AddError(s.begin, "expected a JSON object (a record or a query result)");
    }
    od::array records;
    switch (FindRecords(doc, &records)) {
      case simdjson::SUCCESS:
        return ScanArray(records, offset, s.begin);
      case simdjson::NO_SUCH_FIELD: {
        doc.rewind();
        std::string_view raw;
        if (auto e = doc.raw_json().get(raw)) return AddError(s.begin, Why(e));
        spans_.push_back({offset(raw), offset(raw) + raw.size()});
        return;
      }
      default:
        return AddError(s.begin, "'records' is not an array of objects");
    }
  }

  // `records` or `result.records` of a query result.
  static simdjson::error_code FindRecords(od::document& doc, od::array* out) {
    od::value v;
    auto e = doc.find_field_unordered("records").get(v);
    if (e == simdjson::NO_SUCH_FIELD) {
      doc.rewind();
      od::value result;
      if (doc.find_field_unordered("result").get(result)) return simdjson::NO_SUCH_FIELD;
      e = result.find_field_unordered("records").get(v);
    }
    if (e) return e;
    return v.get_array().get(*out);
  }

  template <typename OffsetFn>
  void ScanArray(od::array& arr, OffsetFn offset, size_t doc_begin) {
    for (auto element : arr) {
      od::object obj;
      if (auto e = element.get_object().get(obj)) {
        return AddError(doc_begin, "a record is not a JSON object: " + Why(e));
      }
      std::string_view raw;
      if (auto e = obj.raw_json().get(raw)) return AddError(doc_begin, Why(e));
      spans_.push_back({offset(raw), offset(raw) + raw.size()});
    }
  }

  static std::string Why(simdjson::error_code e) {
    return std::string("not valid JSON: ") + simdjson::error_message(e);
  }

  Outcome Flatten(Span s, SourceRecord* record, RecordError* error) {
    record->fields.clear();
    record->pos = PosOf(s.begin);
    record->raw.assign(text_, s.begin, s.end - s.begin);
    dom::element root;
    if (auto e = dom_.parse(record->raw).get(root)) {
      *error = {record->pos, Why(e)};
      return Outcome::kError;
    }
    dom::object obj;
    if (root.get_object().get(obj)) {
      *error = {record->pos, "a record is not a JSON object"};
      return Outcome::kError;
    }
    AddFields(obj, "", record);
    return Outcome::kRecord;
  }

  static void AddFields(dom::object obj, const std::string& prefix, SourceRecord* record) {
    for (auto [key, value] : obj) {
      if (key == "attributes") continue;  // REST metadata: type and url
      std::string name = prefix + std::string(key);
      switch (value.type()) {
        case dom::element_type::STRING:
          record->fields.push_back({name, std::string(value.get_string().value()), record->pos});
          break;
        case dom::element_type::OBJECT:
          AddFields(value.get_object().value(), name + ".", record);
          break;
        case dom::element_type::NULL_VALUE:
          break;
        default:
          record->fields.push_back({name, simdjson::minify(value), record->pos});
      }
    }
  }

  std::string text_;
  std::vector<size_t> line_starts_;
  std::vector<Span> spans_;
  struct Pending {
    size_t before;  // reported once this many records were returned
    Span doc;       // the document it is in (its raw text goes to the rejects)
    RecordError error;
  };
  std::deque<Pending> errors_;
  Span doc_{0, 0};
  size_t next_ = 0;
  bool scanned_ = false;
  od::parser od_;
  dom::parser dom_;
};

bool IsBlankLine(std::string_view l) { return Trim(l).empty() || Trim(l) == "\r"; }

}  // namespace

const SourceField* SourceRecord::Find(std::string_view name) const {
  for (const SourceField& f : fields) {
    if (EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

std::unique_ptr<RecordReader> OpenRecords(LineSource lines) {
  // Peek at the first non-blank line, then replay what was peeked.
  struct Peeked {
    std::deque<std::pair<std::string, uint64_t>> lines;
    std::string current;
  };
  auto peeked = std::make_shared<Peeked>();
  std::string_view line;
  uint64_t no = 0;
  bool json = false;
  while (lines(&line, &no)) {
    peeked->lines.emplace_back(std::string(line), no);
    std::string_view l = line;
    if (peeked->lines.size() == 1 && l.starts_with("\xEF\xBB\xBF")) l.remove_prefix(3);
    if (IsBlankLine(l)) continue;
    char c = Trim(l).front();
    json = c == '{' || c == '[';
    break;
  }
  LineSource replay = [peeked, lines](std::string_view* out, uint64_t* out_no) {
    if (!peeked->lines.empty()) {
      peeked->current = std::move(peeked->lines.front().first);
      *out_no = peeked->lines.front().second;
      peeked->lines.pop_front();
      *out = peeked->current;
      return true;
    }
    return lines(out, out_no);
  };
  if (json) return std::make_unique<JsonRecordReader>(std::move(replay));
  return std::make_unique<CsvRecordReader>(std::move(replay));
}

}  // namespace authtrail::ingest
