// canonical_root and locate_file (static/locate_file.h) on a scratch directory tree, with resolve_path in front as
// the static middleware uses them.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "static/locate_file.h"
#include "duplex/static_files.h"
#include "static/resolve_path.h"

using namespace duplex::detail::static_files;
namespace fs = std::filesystem;

namespace {

// A fresh tree under the system's temp directory, removed on destruction:
//   base/www/{index.html, a.txt, sub/index.html, empty_dir/, link_in -> a.txt, link_out -> ../outside/secret.txt,
//             dir_out -> ../outside, escape/index.html -> ../../outside/secret.txt, fifo}
//   base/outside/secret.txt
//   base/www_link -> www
struct ScratchTree {
    fs::path base;
    fs::path www;

    ScratchTree() {
        std::string templ = (fs::temp_directory_path() / "duplex-static-XXXXXX").string();
        REQUIRE(::mkdtemp(templ.data()) != nullptr);
        base = templ;
        www = base / "www";
        fs::create_directories(www / "sub");
        fs::create_directories(www / "empty_dir");
        fs::create_directories(www / "escape");
        fs::create_directories(base / "outside");
        write(www / "index.html", "home");
        write(www / "a.txt", "hello");
        write(www / "sub" / "index.html", "sub index");
        write(base / "outside" / "secret.txt", "secret");
        fs::create_symlink("a.txt", www / "link_in");
        fs::create_symlink("../outside/secret.txt", www / "link_out");
        fs::create_directory_symlink("../outside", www / "dir_out");
        fs::create_symlink("../../outside/secret.txt", www / "escape" / "index.html");
        fs::create_directory_symlink("www", base / "www_link");
        REQUIRE(::mkfifo((www / "fifo").c_str(), 0600) == 0);
    }
    ~ScratchTree() {
        std::error_code ignored;
        fs::remove_all(base, ignored);
    }
    ScratchTree(const ScratchTree&) = delete;
    ScratchTree& operator=(const ScratchTree&) = delete;

    static void write(const fs::path& path, std::string_view content) {
        std::ofstream(path, std::ios::binary) << content;
    }
};

struct Served {
    LocateStatus status;
    std::string path;
    std::uint64_t size;
};

// resolve_path then locate_file, the way the middleware chains them.
Served serve(const std::string& real_root, std::string_view raw_path, std::string_view index = "index.html") {
    std::string path;
    const Resolved resolved = resolve_path(real_root, raw_path, Dotfiles::Ignore, path);
    REQUIRE(resolved.status == ResolveStatus::Ok);
    const Located located = locate_file(real_root, path, resolved.wants_directory, index);
    return {located.status, located.status == LocateStatus::File ? path : std::string(), located.identity.size};
}

}  // namespace

TEST_SUITE("static") {

TEST_CASE("canonical_root") {
    ScratchTree tree;
    const auto real = canonical_root(tree.www.string());
    REQUIRE(real);
    CHECK(*real == fs::canonical(tree.www).string());
    CHECK(canonical_root((tree.base / "www_link").string()) == real);
    CHECK(canonical_root((tree.www / "sub" / "..").string()) == real);
    CHECK_FALSE(canonical_root((tree.base / "missing").string()));
    CHECK_FALSE(canonical_root((tree.www / "a.txt").string()));  // a file is no root
}

TEST_CASE("locate_file: regular files, indexes and directory redirects") {
    ScratchTree tree;
    const std::string root = *canonical_root(tree.www.string());

    Served s = serve(root, "/a.txt");
    CHECK(s.status == LocateStatus::File);
    CHECK(s.path == root + "/a.txt");
    CHECK(s.size == 5);

    s = serve(root, "/");
    CHECK(s.status == LocateStatus::File);
    CHECK(s.path == root + "/index.html");
    CHECK(s.size == 4);

    s = serve(root, "/sub/");
    CHECK(s.status == LocateStatus::File);
    CHECK(s.path == root + "/sub/index.html");
    CHECK(s.size == 9);

    CHECK(serve(root, "/sub").status == LocateStatus::RedirectToDirectory);
    CHECK(serve(root, "").status == LocateStatus::RedirectToDirectory);  // "/static" mounted, asked without '/'
    CHECK(serve(root, "/empty_dir/").status == LocateStatus::NotFound);
    CHECK(serve(root, "/sub/", "").status == LocateStatus::NotFound);  // indexes disabled
}

TEST_CASE("locate_file: missing things are 404") {
    ScratchTree tree;
    const std::string root = *canonical_root(tree.www.string());
    CHECK(serve(root, "/missing.txt").status == LocateStatus::NotFound);
    CHECK(serve(root, "/a.txt/").status == LocateStatus::NotFound);   // a file asked for as a directory
    CHECK(serve(root, "/a.txt/x").status == LocateStatus::NotFound);  // ENOTDIR
    CHECK(serve(root, "/" + std::string(5000, 'x')).status == LocateStatus::NotFound);  // ENAMETOOLONG
    CHECK(serve(root, "/fifo").status == LocateStatus::NotFound);  // not a regular file
}

TEST_CASE("locate_file: symlinks may not lead outside the root") {
    ScratchTree tree;
    const std::string root = *canonical_root(tree.www.string());

    Served s = serve(root, "/link_in");
    CHECK(s.status == LocateStatus::File);
    CHECK(s.path == root + "/a.txt");  // the canonical target is what gets opened

    CHECK(serve(root, "/link_out").status == LocateStatus::NotFound);
    CHECK(serve(root, "/dir_out/secret.txt").status == LocateStatus::NotFound);
    CHECK(serve(root, "/dir_out/").status == LocateStatus::NotFound);
    CHECK(serve(root, "/dir_out").status == LocateStatus::NotFound);
    CHECK(serve(root, "/escape/").status == LocateStatus::NotFound);  // an index symlinked outside
}

TEST_CASE("locate_file: a root reached through a symlink still serves its files") {
    ScratchTree tree;
    const std::string real_root = *canonical_root((tree.base / "www_link").string());
    std::string path;
    const Resolved resolved = resolve_path((tree.base / "www_link").string(), "/a.txt", Dotfiles::Ignore, path);
    REQUIRE(resolved.status == ResolveStatus::Ok);
    const Located located = locate_file(real_root, path, resolved.wants_directory);
    CHECK(located.status == LocateStatus::File);
    CHECK(path == real_root + "/a.txt");
}

TEST_CASE("locate_file: a sibling directory sharing the root's name prefix is outside") {
    ScratchTree tree;
    fs::create_directories(tree.base / "www2");
    ScratchTree::write(tree.base / "www2" / "x.txt", "x");
    fs::create_symlink("../www2/x.txt", tree.www / "sibling");
    const std::string root = *canonical_root(tree.www.string());
    CHECK(serve(root, "/sibling").status == LocateStatus::NotFound);
}

TEST_CASE("locate_file: size and millisecond modification time") {
    ScratchTree tree;
    const std::string root = *canonical_root(tree.www.string());
    const timespec times[2] = {{784111777, 123456789}, {784111777, 123456789}};
    REQUIRE(::utimensat(AT_FDCWD, (tree.www / "a.txt").c_str(), times, 0) == 0);
    std::string path = root + "/a.txt";
    const Located located = locate_file(root, path, false);
    REQUIRE(located.status == LocateStatus::File);
    CHECK(located.identity.size == 5);
    CHECK(located.identity.mtime_ms() == 784111777123);
}

}  // TEST_SUITE
