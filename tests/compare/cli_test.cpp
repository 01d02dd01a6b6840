// The real binary: exit codes, one-line errors, --output, on committed files.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const std::string data = ANONMAP_COMPARE_DATA;
const std::string binary = ANONMAP_COMPARE_BINARY;

struct Result {
    int status = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

std::string slurp(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs the binary in the data directory with `args`, no shell involved.
Result run(std::vector<std::string> args)
{
    const fs::path tmp = fs::temp_directory_path() / ("anonmap-compare-cli-" + std::to_string(getpid()));
    fs::create_directories(tmp);
    const fs::path out = tmp / "stdout", err = tmp / "stderr";
    const pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr) || chdir(data.c_str()) != 0)
            _exit(127);
        std::vector<char*> argv{const_cast<char*>(binary.c_str())};
        for (std::string& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(binary.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    Result r{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(out), slurp(err)};
    fs::remove_all(tmp);
    return r;
}

}  // namespace

TEST(Cli, HelpExplainsEveryOptionAndExitsZero)
{
    const Result r = run({"--help"});
    EXPECT_EQ(r.status, 0);
    for (const char* opt : {"--col", "--row", "--filter", "--counter", "--base", "--alpha", "--format",
                            "--output", "EXAMPLES", "converted to ns"})
        EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}

TEST(Cli, BadFilesExitTwoWithOneLineNamingTheFile)
{
    for (const char* f : {"bad/not_json.json", "bad/truncated.json", "bad/empty.json", "bad/not_utf8.json",
                          "bad/deep.json", "bad/missing_name.json", "bad/schema_v2.json", "bad/array.json"}) {
        const Result r = run({"gbench/memfd.json", f});
        EXPECT_EQ(r.status, 2) << f;
        EXPECT_TRUE(r.out.empty()) << f;
        EXPECT_EQ(r.err.rfind(std::string("anonmap-compare: ") + f + ": ", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
    // A directory of bad files stops at the first one, in path order.
    const Result dir = run({"bad"});
    EXPECT_EQ(dir.status, 2);
    EXPECT_EQ(dir.err.rfind("anonmap-compare: bad/array.json: ", 0), 0u) << dir.err;
}

TEST(Cli, RunDirectoryIsReadWithoutItsManifest)
{
    // anonmap-run writes run.json (its manifest) beside the result files: a run directory must still compare.
    const Result r = run({"../../plots/data/run", "--col", "anonmap_config"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("memfd"), std::string::npos) << r.out;
    // Named explicitly, the manifest is what it is: not benchmark output.
    const Result named = run({"../../plots/data/run/run.json"});
    EXPECT_EQ(named.status, 2);
    EXPECT_NE(named.err.find("run.json: not Google Benchmark output"), std::string::npos) << named.err;
}

TEST(Cli, UsageErrorsExitTwo)
{
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{}, {"--bogus", "gbench"}, {"--alpha", "x", "gbench"},
          {"--alpha", "1.5", "gbench"}, {"--format", "html", "gbench"}, {"--counter", "nope", "gbench"},
          {"--base", "nope", "gbench"}, {"--col", ".name", "gbench"}, {"--filter", "junk", "gbench"},
          {"no/such/dir"}}) {
        const Result r = run(args);
        EXPECT_EQ(r.status, 2) << (args.empty() ? "(no args)" : args[0]);
        EXPECT_EQ(r.err.rfind("anonmap-compare: ", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
}

TEST(Cli, GoogleBenchmarkFilesInEveryFormat)
{
    const Result text = run({"gbench/memfd.json", "gbench/tmpfs.json", "--counter", "real_time,minflt_per_page"});
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("BM_memcpy/4096"), std::string::npos);
    EXPECT_NE(text.out.find("skipped: mmap failed: ENOMEM"), std::string::npos);
    EXPECT_NE(text.out.find("\nminflt_per_page\n"), std::string::npos);

    const Result md = run({"gbench", "--col", "anonmap_strategy", "--format", "markdown"});
    ASSERT_EQ(md.status, 0) << md.err;
    EXPECT_NE(md.out.find("<details><summary>context</summary>"), std::string::npos);
    EXPECT_NE(md.out.find("anonmap-compare gbench --col anonmap_strategy --format markdown"), std::string::npos);

    const Result csv = run({"gbench", "--col", "anonmap_strategy", "--format", "csv", "--counter", "all"});
    ASSERT_EQ(csv.status, 0) << csv.err;
    EXPECT_NE(csv.out.find("\nbytes_per_second,,BM_memcpy/4096,memfd,true,"), std::string::npos) << csv.out;

    const Result json = run({"gbench", "--col", "anonmap_strategy", "--format", "json"});
    ASSERT_EQ(json.status, 0) << json.err;
    EXPECT_NE(json.out.find("\"format_version\": 1"), std::string::npos);
}

TEST(Cli, OutputFileIsWrittenWholeAndReplaced)
{
    const fs::path dir = fs::temp_directory_path() / ("anonmap-compare-out-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const fs::path out = dir / "report.md";
    std::ofstream(out) << "old contents";
    const Result r = run({"synthetic", "--col", "anonmap_strategy", "--format", "markdown", "--output", out.string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.out.empty());
    const std::string written = slurp(out);
    EXPECT_EQ(written.rfind("### anonmap-compare:", 0), 0u);
    EXPECT_EQ(written.substr(written.size() - 11), "</details>\n");
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
        ++entries;
    EXPECT_EQ(entries, 1u);  // no temporary file left behind

    // A failed run leaves the previous file alone.
    const Result bad = run({"bad/empty.json", "--output", out.string()});
    EXPECT_EQ(bad.status, 2);
    EXPECT_EQ(slurp(out), written);
    // An output in a missing directory is an error naming it.
    const Result nodir = run({"synthetic", "--output", (dir / "missing" / "x.md").string()});
    EXPECT_EQ(nodir.status, 2);
    EXPECT_NE(nodir.err.find("missing/x.md: cannot create a temporary file"), std::string::npos) << nodir.err;
    fs::remove_all(dir);
}
