#!/usr/bin/env python3
"""Python's own cookie handling (http.cookiejar through urllib's HTTPCookieProcessor) against a duplex server.

usage: cookiejar_client.py PORT
Signs in, reads /s/me, signs out, reads /s/me again, then has a cookie with awkward bytes set and echoed back.
Prints one JSON object with what it saw; the C++ test checks it.
"""
import http.cookiejar
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

base = f"http://127.0.0.1:{int(sys.argv[1])}"
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def call(method, path, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(base + path, data=data, method=method)
    try:
        with opener.open(request, timeout=10) as response:
            return [response.status, response.read().decode()]
    except urllib.error.HTTPError as error:
        return [error.code, error.read().decode()]


def session_cookies():
    return [{"name": c.name, "path": c.path, "http_only": c.has_nonstandard_attr("HttpOnly"),
             "expires_set": c.expires is not None} for c in jar if c.name == "duplex.sid"]


seen = {}
seen["me_before"] = call("GET", "/s/me")[0]
seen["login"] = call("POST", "/s/login", {"name": "Ada Lovelace & co; =%"})[0]
seen["jar_after_login"] = session_cookies()
seen["me"] = call("GET", "/s/me")
seen["logout"] = call("POST", "/s/logout")[0]
seen["jar_after_logout"] = session_cookies()
seen["me_after"] = call("GET", "/s/me")[0]
awkward = 'semi;colon, "quoted" 100% \\ euro \u20ac'
call("GET", "/set?v=" + urllib.parse.quote(awkward))
seen["echo"] = json.loads(call("GET", "/echo")[1])
seen["awkward"] = awkward
print(json.dumps(seen))
