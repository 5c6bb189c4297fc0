#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "ingest/jsonl.h"
#include "tests/support/test_support.h"

namespace authtrail::ingest {
namespace {

using ::authtrail::testing::TempDir;
using ::authtrail::testing::WriteFile;

constexpr size_t kMiB = size_t{1} << 20;

std::unique_ptr<LineReader> MustOpen(const std::string& path) {
  Result<std::unique_ptr<LineReader>> r = LineReader::Open(path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

// Every line of the reader, checking that line numbers count from 1.
std::vector<std::string> ReadAll(LineReader* reader) {
  std::vector<std::string> lines;
  std::string_view line;
  uint64_t line_no = 0;
  while (reader->Next(&line, &line_no)) {
    lines.emplace_back(line);
    EXPECT_EQ(line_no, lines.size());
  }
  EXPECT_TRUE(reader->status().ok()) << reader->status().ToString();
  return lines;
}

std::vector<std::string> ReadContent(const std::string& content) {
  TempDir dir;
  std::string path = dir.Sub("in.jsonl");
  WriteFile(path, content);
  auto reader = MustOpen(path);
  return reader ? ReadAll(reader.get()) : std::vector<std::string>{};
}

using Lines = std::vector<std::string>;

TEST(LineReader, SplitsOnLf) { EXPECT_EQ(ReadContent("a\nbb\nccc\n"), (Lines{"a", "bb", "ccc"})); }

TEST(LineReader, StripsCrLf) {
  EXPECT_EQ(ReadContent("a\r\nbb\r\n"), (Lines{"a", "bb"}));
  EXPECT_EQ(ReadContent("mixed\r\nends\nhere\r\n"), (Lines{"mixed", "ends", "here"}));
}

TEST(LineReader, KeepsACarriageReturnThatDoesNotEndTheLine) {
  EXPECT_EQ(ReadContent("a\rb\n"), (Lines{"a\rb"}));
  EXPECT_EQ(ReadContent("a\r\r\n"), (Lines{"a\r"}));
}

TEST(LineReader, LastLineWithoutNewline) {
  EXPECT_EQ(ReadContent("a\nlast"), (Lines{"a", "last"}));
  EXPECT_EQ(ReadContent("only"), (Lines{"only"}));
}

TEST(LineReader, BlankLinesAreReturnedAndCounted) {
  EXPECT_EQ(ReadContent("\n\r\n  \nx\n"), (Lines{"", "", "  ", "x"}));
}

TEST(LineReader, EmptyInputHasNoLines) {
  TempDir dir;
  WriteFile(dir.Sub("empty"), "");
  auto reader = MustOpen(dir.Sub("empty"));
  ASSERT_NE(reader, nullptr);
  EXPECT_TRUE(ReadAll(reader.get()).empty());
  EXPECT_EQ(reader->bytes_read(), 0u);
  EXPECT_EQ(reader->sha256(), Sha256Of(""));
  std::string_view line;
  uint64_t line_no = 0;
  EXPECT_FALSE(reader->Next(&line, &line_no));  // stays at the end
}

TEST(LineReader, LineLongerThanTheBufferIsReadWhole) {
  std::string long_line(3 * kMiB + 17, 'x');
  long_line[0] = '{';
  long_line.back() = '}';
  Lines got = ReadContent("short\n" + long_line + "\nafter\n" + long_line);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], "short");
  EXPECT_EQ(got[1], long_line);
  EXPECT_EQ(got[2], "after");
  EXPECT_EQ(got[3], long_line);
}

TEST(LineReader, LineOfExactlyTheBufferSize) {
  std::string exact(kMiB, 'y');
  EXPECT_EQ(ReadContent(exact + "\nz\n"), (Lines{exact, "z"}));
  EXPECT_EQ(ReadContent(exact), (Lines{exact}));
}

TEST(LineReader, CrLfSplitAcrossTwoReads) {
  // The '\r' is the last byte of the first 1 MiB read, the '\n' the first of the next.
  std::string first(kMiB - 1, 'a');
  EXPECT_EQ(ReadContent(first + "\r\nb\r\n"), (Lines{first, "b"}));
}

TEST(LineReader, ManyLinesAcrossBufferBoundaries) {
  std::string content;
  Lines expected;
  for (int i = 0; content.size() < 5 * kMiB; ++i) {
    std::string line(static_cast<size_t>(i * 7919 % 3001), static_cast<char>('a' + i % 26));
    line += std::to_string(i);
    expected.push_back(line);
    content += line + (i % 3 == 0 ? "\r\n" : "\n");
  }
  EXPECT_EQ(ReadContent(content), expected);
}

TEST(LineReader, HashesAndCountsEveryByteRead) {
  TempDir dir;
  std::string content = "{\"a\":1}\r\n\n" + std::string(2 * kMiB + 5, 'q') + "\nno newline";
  WriteFile(dir.Sub("in"), content);
  auto reader = MustOpen(dir.Sub("in"));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(ReadAll(reader.get()).size(), 4u);
  EXPECT_EQ(reader->bytes_read(), content.size());
  EXPECT_EQ(reader->sha256(), Sha256Of(content));
  EXPECT_EQ(reader->sha256(), Sha256Of(content));  // asking twice gives the same digest
  EXPECT_EQ(reader->path(), dir.Sub("in"));
}

TEST(LineReader, HashSoFarCoversOnlyWhatWasRead) {
  TempDir dir;
  WriteFile(dir.Sub("in"), "a\nb\n");
  auto reader = MustOpen(dir.Sub("in"));
  ASSERT_NE(reader, nullptr);
  // Before the first Next() nothing has been read.
  EXPECT_EQ(reader->sha256(), Sha256Of(""));
  EXPECT_EQ(reader->bytes_read(), 0u);
}

TEST(LineReader, MissingFileIsNotFoundWithThePath) {
  TempDir dir;
  std::string path = dir.Sub("missing.jsonl");
  Result<std::unique_ptr<LineReader>> r = LineReader::Open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "cannot open " + path + ": No such file or directory");
}

TEST(LineReader, ReadErrorIsReportedWithThePath) {
  TempDir dir;  // a directory opens but cannot be read
  auto reader = MustOpen(dir.path().string());
  ASSERT_NE(reader, nullptr);
  std::string_view line;
  uint64_t line_no = 0;
  EXPECT_FALSE(reader->Next(&line, &line_no));
  EXPECT_EQ(reader->status().code(), StatusCode::kIOError);
  EXPECT_EQ(reader->status().message(), "cannot read " + dir.path().string() + ": Is a directory");
  EXPECT_FALSE(reader->Next(&line, &line_no));  // the error sticks
}

// Points standard input at a file for the test's duration.
class StdinFrom {
 public:
  explicit StdinFrom(const std::string& path) : saved_(dup(STDIN_FILENO)) {
    int fd = open(path.c_str(), O_RDONLY);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
  }
  ~StdinFrom() {
    dup2(saved_, STDIN_FILENO);
    close(saved_);
  }

 private:
  int saved_;
};

TEST(LineReader, DashReadsStandardInput) {
  TempDir dir;
  std::string content = "one\r\ntwo\nthree";
  WriteFile(dir.Sub("stdin"), content);
  StdinFrom redirect(dir.Sub("stdin"));
  auto reader = MustOpen("-");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->path(), "-");
  EXPECT_EQ(ReadAll(reader.get()), (Lines{"one", "two", "three"}));
  EXPECT_EQ(reader->sha256(), Sha256Of(content));
  EXPECT_EQ(reader->bytes_read(), content.size());
  reader.reset();  // must not close standard input
  EXPECT_NE(fcntl(STDIN_FILENO, F_GETFD), -1);
}

}  // namespace
}  // namespace authtrail::ingest
