// examples/upload against the running binary: the form page, an upload of two files and two fields answered with
// each file's name, size and SHA-256 (checked against the saved copies), a hostile filename kept as a label only,
// and a limit answered as JSON.
#include "examples/example_process.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace testing_support;
using nlohmann::json;

namespace {

std::string part(const std::string& head, const std::string& data) {
    return "--BoUnDaRy\r\nContent-Disposition: form-data; " + head + "\r\n\r\n" + data + "\r\n";
}

const std::string kType = "multipart/form-data; boundary=BoUnDaRy";

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_SUITE("examples") {

TEST_CASE("upload: the form, files saved with name, size and SHA-256, the fields, a hostile name harmless") {
    TempDir dir;
    ExampleProcess app{"upload", {"--dir", dir.path() + "/saved"}};
    REQUIRE(app.port() > 0);
    auto form = app.client().get("/").send();
    CHECK(form.status == 200);
    CHECK(form.body.find("enctype=\"multipart/form-data\"") != std::string::npos);
    CHECK(form.body.find("type=\"file\"") != std::string::npos);

    const std::string body = part("name=\"title\"", "Hi") + part("name=\"note\"", "there") +
                             part("name=\"file\"; filename=\"abc.txt\"", "abc") +
                             part("name=\"file\"; filename=\"../../../etc/passwd\"", std::string(200000, 'x')) +
                             "--BoUnDaRy--\r\n";
    auto r = app.client().post("/upload").body(body, kType).send();
    CHECK(r.status == 200);
    json j = r.json();
    CHECK(j["fields"] == json{{"title", "Hi"}, {"note", "there"}});
    REQUIRE(j["files"].size() == 2);
    CHECK(j["files"][0]["name"] == "abc.txt");
    CHECK(j["files"][0]["size"] == 3);
    CHECK(j["files"][0]["sha256"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(j["files"][1]["name"] == "../../../etc/passwd");
    CHECK(j["files"][1]["size"] == 200000);
    for (const auto& f : j["files"]) {
        const std::string saved = f["saved"];
        CHECK(std::filesystem::path(saved).parent_path() == std::filesystem::path(dir.path() + "/saved"));
        CHECK(slurp(saved).size() == f["size"].get<std::size_t>());
    }

    const std::string too_many = [&] {
        std::string b;
        for (int i = 0; i < 9; ++i) b += part("name=\"file\"; filename=\"f\"", "1");
        return b + "--BoUnDaRy--\r\n";
    }();
    auto refused = app.client().post("/upload").body(too_many, kType).send();
    CHECK(refused.status == 413);
    CHECK(refused.json()["error"] == "more files than max_files");
    CHECK(app.stop() == 0);
}

}  // TEST_SUITE
