// content_type_for (static/mime_types.h).
#include <doctest/doctest.h>

#include <string>

#include "static/mime_types.h"

using namespace duplex::detail::static_files;

TEST_SUITE("static") {

TEST_CASE("content_type_for: the table") {
    struct Case {
        const char* name;
        const char* type;
    };
    for (const Case& c : {
             Case{"a.html", "text/html; charset=utf-8"},
             Case{"a.htm", "text/html; charset=utf-8"},
             Case{"a.css", "text/css; charset=utf-8"},
             Case{"a.js", "text/javascript; charset=utf-8"},
             Case{"a.mjs", "text/javascript; charset=utf-8"},
             Case{"a.json", "application/json; charset=utf-8"},
             Case{"a.js.map", "application/json; charset=utf-8"},
             Case{"a.txt", "text/plain; charset=utf-8"},
             Case{"a.md", "text/markdown; charset=utf-8"},
             Case{"a.csv", "text/csv; charset=utf-8"},
             Case{"a.xml", "application/xml"},
             Case{"a.svg", "image/svg+xml"},
             Case{"a.png", "image/png"},
             Case{"a.jpg", "image/jpeg"},
             Case{"a.jpeg", "image/jpeg"},
             Case{"a.gif", "image/gif"},
             Case{"a.webp", "image/webp"},
             Case{"a.avif", "image/avif"},
             Case{"favicon.ico", "image/x-icon"},
             Case{"a.wasm", "application/wasm"},
             Case{"a.woff", "font/woff"},
             Case{"a.woff2", "font/woff2"},
             Case{"a.ttf", "font/ttf"},
             Case{"a.otf", "font/otf"},
             Case{"a.pdf", "application/pdf"},
             Case{"a.zip", "application/zip"},
             Case{"a.tar.gz", "application/gzip"},
             Case{"a.mp3", "audio/mpeg"},
             Case{"a.mp4", "video/mp4"},
             Case{"a.webm", "video/webm"},
             Case{"a.ogg", "audio/ogg"},
             Case{"a.wav", "audio/wav"},
         }) {
        CAPTURE(c.name);
        CHECK(content_type_for(c.name) == c.type);
    }
}

TEST_CASE("content_type_for: extension rules") {
    CHECK(content_type_for("/srv/www/INDEX.HTML") == "text/html; charset=utf-8");
    CHECK(content_type_for("/srv/www/app.Js") == "text/javascript; charset=utf-8");
    CHECK(content_type_for("/srv/www/dir.js/readme") == kDefaultContentType);  // the dot is in a directory name
    CHECK(content_type_for("/srv/www/.profile") == kDefaultContentType);       // a dotfile has no extension
    CHECK(content_type_for("/srv/www/.config.json") == "application/json; charset=utf-8");
    CHECK(content_type_for("/srv/www/Makefile") == kDefaultContentType);
    CHECK(content_type_for("/srv/www/file.") == kDefaultContentType);
    CHECK(content_type_for("/srv/www/file.exe") == kDefaultContentType);
    CHECK(content_type_for("/srv/www/file.htmlx") == kDefaultContentType);
    CHECK(content_type_for("/srv/www/file.toolongext") == kDefaultContentType);
    CHECK(content_type_for("") == kDefaultContentType);
    CHECK(kDefaultContentType == "application/octet-stream");
}

}  // TEST_SUITE
