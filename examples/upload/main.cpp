// upload: file uploads from an HTML form, streamed to disk, never held whole in memory.
//
//   GET  /        a form with a file field (several files allowed) and two text fields, title and note
//   POST /upload  the form (multipart/form-data): the files are written to the upload folder (--dir, default
//                 "uploads" under the working directory) as they arrive; the answer is JSON with each file's field,
//                 name, size in bytes, SHA-256 (hex) and where it was saved, and the text fields:
//                 {"fields": {"title": "...", "note": "..."}, "files": [{"name": "a.txt", "size": 3, ...}]}
//
// Limits (each answered 413 as JSON): 8 files, 256 MiB per file, 1 GiB per request. A client's filename is only
// ever a label: files are saved under a number and the name's safe characters.
//
//   build/examples/upload/upload --port 3000
//   curl -F title=hello -F note=world -F file=@README.md localhost:3000/upload
#include <duplex/duplex.h>

#include <openssl/evp.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "../flags.h"

namespace {

constexpr std::string_view kForm = R"(<!doctype html>
<meta charset="utf-8">
<title>duplex upload</title>
<h1>Upload</h1>
<form method="post" action="/upload" enctype="multipart/form-data">
  <p><label>Title <input name="title" id="title"></label></p>
  <p><label>Note <input name="note" id="note"></label></p>
  <p><input type="file" name="file" id="file" multiple></p>
  <p><button id="send">Upload</button></p>
</form>
)";

// SHA-256 of a file, in hex, read in blocks (OpenSSL's EVP interface).
std::string sha256_hex(const std::string& path) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    std::ifstream in(path, std::ios::binary);
    char block[1 << 16];
    while (in.read(block, sizeof block) || in.gcount() > 0) EVP_DigestUpdate(ctx, block, static_cast<std::size_t>(in.gcount()));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx, digest, &n);
    EVP_MD_CTX_free(ctx);
    std::string hex;
    for (unsigned int i = 0; i < n; ++i) {
        static const char digits[] = "0123456789abcdef";
        hex.push_back(digits[digest[i] >> 4]);
        hex.push_back(digits[digest[i] & 15]);
    }
    return hex;
}

// The name a file is saved under: a number, then the letters, digits, '.', '-' and '_' of the client's name (at
// most 64 of them). "../../etc/passwd" becomes "7-....etcpasswd": never a path.
std::string stored_name(unsigned long n, std::string_view client_name) {
    std::string out = std::to_string(n) + "-";
    for (char c : client_name) {
        if (out.size() > 80) break;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')
            out.push_back(c);
    }
    return out;
}

struct Args {
    int port = 3000;
    std::string dir = "uploads";
};

// "--port N" (0 picks a free port) and "--dir PATH"; false when the command line is wrong.
bool parse_args(int argc, char** argv, Args& a) {
    return examples::parse_flags(argc, argv, [&](std::string_view flag, std::string_view v) {
        if (flag == "--port") return examples::parse_port(v, a.port);
        if (flag != "--dir" || v.empty()) return false;
        a.dir = v;
        return true;
    });
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    if (!parse_args(argc, argv, args)) {
        std::fputs("usage: upload [--port N] [--dir PATH]\n", stderr);
        return 2;
    }
    std::error_code ec;
    std::filesystem::create_directories(args.dir, ec);
    const std::string dir = std::filesystem::absolute(args.dir).string();

    duplex::EventLoop loop;
    duplex::App app(loop);
    unsigned long saved = 0;

    app.get("/", [](duplex::Request&, duplex::Response& res) { res.type("text/html; charset=utf-8").send(kForm); });

    // body::stream lets the route take bodies beyond max_body_bytes and read them as they come; body::multipart
    // writes each file into a private temporary directory made inside the upload folder (so keeping a file is a
    // rename on the same disk) and fills req.form() and req.files() once the body has ended.
    duplex::body::MultipartOptions multipart;
    multipart.max_files = 8;
    multipart.max_file_bytes = 256ull << 20;
    multipart.max_total_bytes = 1ull << 30;
    multipart.temp_dir = dir;
    app.post("/upload", duplex::body::stream({.max_body_bytes = 1ull << 30}), duplex::body::multipart(multipart),
             [&](duplex::Request& req, duplex::Response& res) {
                 nlohmann::json fields = nlohmann::json::object();
                 for (const auto& [name, value] : req.form_params()) fields[name] = value;
                 nlohmann::json files = nlohmann::json::array();
                 for (const duplex::UploadedFile& f : req.files()) {
                     if (f.filename.empty() && f.size == 0) continue;  // a file field left empty
                     const std::string keep = dir + "/" + stored_name(++saved, f.filename);
                     const std::string hash = sha256_hex(f.path);
                     std::filesystem::rename(f.path, keep);  // moved away: not removed with the request
                     files.push_back({{"field", f.field}, {"name", f.filename}, {"size", f.size},
                                      {"sha256", hash}, {"saved", keep}});
                 }
                 res.json({{"fields", fields}, {"files", files}});
             });

    app.use_error([](const duplex::Error& e, duplex::Request&, duplex::Response& res, duplex::Next) {
        res.status(e.status()).json({{"error", e.status() >= 500 ? "internal error" : e.message()}});
    });

    if (int rc = app.listen({.host = "127.0.0.1", .port = args.port}); rc != 0) {
        std::fprintf(stderr, "upload: cannot listen on port %d: %s\n", args.port, duplex::error_text(rc).c_str());
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%d, saving to %s\n", app.port(), dir.c_str());
    std::fflush(stdout);
    loop.on_signal({SIGINT, SIGTERM}, [&](int) { app.close(); });
    return loop.run();
}
