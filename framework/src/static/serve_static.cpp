#include "duplex/static_files.h"

#include "static/file_sender.h"
#include "static/locate_file.h"
#include "static/resolve_path.h"

#include <cstdlib>
#include <stdexcept>
#include <sys/stat.h>

namespace duplex {

namespace sf = detail::static_files;

Middleware serve_static(const std::string& root, StaticOptions options) {
    auto real_root = sf::canonical_root(root);
    if (!real_root) throw std::invalid_argument("serve_static: no such directory: " + root);
    return [root = *real_root, options](Request& req, Response& res, Next next) {
        if (req.method() != "GET" && req.method() != "HEAD") {
            next();
            return;
        }
        // A client error or a miss either falls through to later layers or becomes the answer.
        auto miss = [&](int status, const char* why) {
            if (options.fallthrough) next();
            else next(Error(status, why));
        };
        std::string path;
        auto dot = static_cast<sf::Dotfiles>(static_cast<int>(options.dotfiles));
        sf::Resolved r = sf::resolve_path(root, req.route_path(), dot, path);
        if (r.status != sf::ResolveStatus::Ok) {
            miss(static_cast<int>(r.status), r.status == sf::ResolveStatus::BadRequest ? "Bad Request" : "Forbidden");
            return;
        }
        sf::Located loc = sf::locate_file(root, path, r.wants_directory, options.index);
        switch (loc.status) {
        case sf::LocateStatus::File:
            sf::send_file(req, res, {path, loc.size, loc.mtime_ms}, options.max_age);
            return;
        case sf::LocateStatus::RedirectToDirectory:
            if (options.redirect) {
                std::string location(req.path());
                location.push_back('/');
                if (!req.query_string().empty()) location.append("?").append(req.query_string());
                res.status(301).set("Location", location).send("Redirecting to " + location + "\n");
                return;
            }
            miss(404, "Not Found");
            return;
        case sf::LocateStatus::NotFound:
            miss(404, "Not Found");
            return;
        case sf::LocateStatus::Error:
            next(Error(500, "cannot read file"));
            return;
        }
    };
}

void Response::send_file(const std::string& path) {
    // Canonical first: the sender opens with O_NOFOLLOW, and a caller's path may legitimately be a symlink.
    char* real = ::realpath(path.c_str(), nullptr);
    std::string canonical = real ? real : "";
    std::free(real);
    struct stat st{};
    if (canonical.empty() || ::stat(canonical.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        status(404).send("Not Found\n");
        return;
    }
    std::int64_t mtime_ms = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    sf::send_file(req(), *this, {canonical, static_cast<std::uint64_t>(st.st_size), mtime_ms}, std::chrono::seconds(0));
}

}  // namespace duplex
