// MultipartParser: parts, fields and files out of multipart/form-data bodies, the same whatever the split (whole,
// one byte at a time, random cuts), and the hostile shapes of issue 21: no boundary, the boundary inside content, a
// 70-byte boundary, 10,000 empty parts, a part head with no end, CRLF games at the close, a body ending mid-part.
#include "middleware/multipart_parser.h"
#include "../../support/multipart_record.h"

#include <doctest/doctest.h>

#include <numeric>
#include <random>
#include <string>
#include <vector>

using duplex::detail::MultipartParser;
using testing_support::run_multipart;

namespace {

// The outcome of a body fed whole; every other split must agree with it.
std::string parse(std::string_view boundary, std::string_view body) {
    const std::string whole = run_multipart(boundary, body, std::vector<std::size_t>{});
    std::vector<std::size_t> each(body.size());
    std::iota(each.begin(), each.end(), 1);
    CHECK(run_multipart(boundary, body, each) == whole);
    std::mt19937 rng(static_cast<unsigned>(body.size()));
    for (int round = 0; round < 20; ++round) {
        std::vector<std::size_t> cuts;
        for (std::size_t at = 0; at < body.size();) {
            at += 1 + rng() % 9;
            cuts.push_back(at);
        }
        CHECK(run_multipart(boundary, body, cuts) == whole);
    }
    return whole;
}

const std::string kForm =
    "preamble to ignore\r\n"
    "--AaB03x\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
    "A \"quoted\" title\r\n"
    "--AaB03x\r\n"
    "content-disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n"
    "Content-Type: text/plain\r\n\r\n"
    "line one\r\n--AaB03 not a delimiter\r\n\r\r\n-\r\n--AaB03xx is not one either? it is: see below\r\n"
    "--AaB03x--\r\nepilogue";

}  // namespace

TEST_SUITE("multipart_parser") {

TEST_CASE("boundary_of takes multipart/form-data with a valid boundary only") {
    CHECK(MultipartParser::boundary_of("multipart/form-data; boundary=AaB03x") == "AaB03x");
    CHECK(MultipartParser::boundary_of("Multipart/Form-Data; charset=x; boundary=\"a b:c\"") == "a b:c");
    CHECK(MultipartParser::boundary_of("multipart/form-data; boundary=" + std::string(70, 'z')) ==
          std::string(70, 'z'));
    CHECK_FALSE(MultipartParser::boundary_of("multipart/form-data; boundary=" + std::string(71, 'z')));
    CHECK_FALSE(MultipartParser::boundary_of("multipart/form-data"));
    CHECK_FALSE(MultipartParser::boundary_of("multipart/form-data; boundary="));
    CHECK_FALSE(MultipartParser::boundary_of("multipart/form-data; boundary=\"ends in space \""));
    CHECK_FALSE(MultipartParser::boundary_of("multipart/form-data; boundary=a\"b"));
    CHECK_FALSE(MultipartParser::boundary_of("multipart/mixed; boundary=abc"));
    CHECK_FALSE(MultipartParser::boundary_of("text/plain; boundary=abc"));
}

TEST_CASE("fields and files in order, in every split; a filename is only metadata") {
    // "--AaB03xx..." after a CRLF is the delimiter followed by 'x': a malformed body, reported as such.
    CHECK(parse("AaB03x", kForm).find("error 400") != std::string::npos);
    const std::string ok =
        "--AaB03x\r\n"
        "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
        "A title\r\n"
        "--AaB03x\r\n"
        "content-disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "a--AaB03x in the content\r\n--AaB03 short\r\n\r\r\n-\r\n\r\n"
        "\r\n--AaB03x--\r\nepilogue, ignored";
    CHECK(parse("AaB03x", ok) ==
          "Btitle|~|\nDA title\nE\n"
          "Bfile|../../etc/passwd|text/plain\nDa--AaB03x in the content\r\n--AaB03 short\r\n\r\r\n-\r\n\r\n\nE\n"
          "done");
}

TEST_CASE("a 70-byte boundary, transport padding, an empty part and the preamble") {
    const std::string b(70, 'q');
    CHECK(parse(b, "junk\r\n--" + b + " \t\r\nContent-Disposition: form-data; name=e\r\n\r\n\r\n--" + b + "--") ==
          "Be|~|\nE\ndone");
}

TEST_CASE("10,000 empty parts: fine within max_parts, 413 beyond it") {
    std::string body;
    for (int i = 0; i < 10000; ++i) body += "--x\r\nContent-Disposition: form-data; name=n\r\n\r\n\r\n";
    body += "--x--";
    const std::string many = run_multipart("x", body, std::vector<std::size_t>{}, 1024, 10000);
    CHECK(many.size() > 10000);
    CHECK(many.substr(many.size() - 4) == "done");
    CHECK(run_multipart("x", body, std::vector<std::size_t>{}, 1024, 1000).find("error 413") != std::string::npos);
}

TEST_CASE("malformed: part head with no end, CRLF games at the close, a body ending mid-part") {
    const std::string head = "--x\r\nContent-Disposition: form-data; name=a\r\n";
    CHECK(parse("x", head + std::string(2000, 'h')) == "error 413");  // the head never ends
    CHECK(parse("x", head) == "error 400");                           // ends before the head does
    CHECK(parse("x", head + "\r\nabc") == "Ba|~|\nDabc\nerror 400");  // ends mid-part
    CHECK(parse("x", head + "\r\nabc\r\n--x") == "Ba|~|\nDabc\nE\nerror 400");
    CHECK(parse("x", head + "\r\nabc\r\n--x-\r\n") == "Ba|~|\nDabc\nE\nerror 400");
    CHECK(parse("x", head + "\r\nabc\r\n--x\n") == "Ba|~|\nDabc\nE\nerror 400");  // bare LF after a boundary
    CHECK(parse("x", head + "\r\nabc\n--x--") == "Ba|~|\nDabc\n--x--\nerror 400");  // a bare LF is no delimiter
    CHECK(parse("x", head + "\r\nabc\r\n--x--") == "Ba|~|\nDabc\nE\ndone");  // no CRLF after the close: fine
    CHECK(parse("x", "--x\r\nContent-Type: text/plain\r\n\r\nz\r\n--x--") == "error 400");  // no disposition
    CHECK(parse("x", "--x\r\nContent-Disposition: form-data\r\n\r\nz\r\n--x--") == "error 400");  // no name
    CHECK(parse("x", "--x\r\nno colon\r\n\r\nz\r\n--x--") == "error 400");
    CHECK(parse("x", "no delimiter at all") == "error 400");
    CHECK(parse("x", "") == "error 400");
}

}  // TEST_SUITE
