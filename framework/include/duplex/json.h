// duplex/json.h: the JSON type of req.json(), res.json() and body::json(): nlohmann::json, whole.
//
// The core headers (request.h, response.h) declare it only (<nlohmann/json_fwd.hpp>), so a translation unit that
// does not touch JSON does not parse the ~25,000 lines of <nlohmann/json.hpp>. Include this header (duplex.h and
// body.h do) where JSON values are built or read: `res.json({{"hello", name}})` needs the whole type.
// Threads and lifetime: a header of declarations only.
#pragma once

#include <nlohmann/json.hpp>
