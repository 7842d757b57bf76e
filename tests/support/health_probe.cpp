#include "health_probe.h"

#include "support/raw_client.h"
#include "support/ws_raw.h"

#include <memory>

namespace testing_support {

HealthProbe::HealthProbe(std::function<bool()> check, std::chrono::milliseconds period) {
    thread_ = std::thread([this, check = std::move(check), period] {
        while (running_) {
            if (check()) ++ok_;
            else ++failed_;
            std::this_thread::sleep_for(period);
        }
    });
}

HealthProbe::~HealthProbe() { stop(); }

void HealthProbe::stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
}

std::function<bool()> http_get_check(int port, std::string path, std::string body) {
    auto client = std::make_shared<RawClient>(port);
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: probe\r\n\r\n";
    return [client, request, body] {
        if (!client->send(request)) return false;
        auto r = client->read_response(2s);
        return r && r->status == 200 && r->body == body;
    };
}

std::function<bool()> ws_echo_check(int port, std::string path) {
    auto client = std::make_shared<WsRawClient>(port);
    auto open = std::make_shared<bool>(client->open(path));
    auto round = std::make_shared<int>(0);
    return [client, open, round] {
        if (!*open) return false;
        std::string text = "probe " + std::to_string(++*round);
        if (!client->send_text(text)) return false;
        auto echoed = client->read_message(2s);
        return echoed && *echoed == text;
    };
}

}  // namespace testing_support
