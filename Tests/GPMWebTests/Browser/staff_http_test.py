"""The staff's page over raw HTTP (Python's standard library only): a foreign Host is refused, a POST
without the page's token is refused, and no GET changes anything.

Run by StaffPageTests.swift, which starts `gpmsync daemon --http` on a clone with two recorded conflicts
and a held-back file: GPMSYNC_PORT, GPMSYNC_CLONE, GPMSYNC_CONFLICTED, GPMSYNC_EXCEL.
"""
import http.client
import os
import re
import subprocess
import sys
import urllib.parse

PORT = int(os.environ["GPMSYNC_PORT"])
CLONE = os.environ["GPMSYNC_CLONE"]
CONFLICTED = os.environ["GPMSYNC_CONFLICTED"]
EXCEL = os.environ["GPMSYNC_EXCEL"]
OWN = f"127.0.0.1:{PORT}"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def request(method, path, host=OWN, form=None):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        c.putheader("Host", host)
    body = urllib.parse.urlencode(form).encode() if form is not None else None
    if body is not None:
        c.putheader("Content-Type", "application/x-www-form-urlencoded")
        c.putheader("Content-Length", str(len(body)))
    c.endheaders(body)
    r = c.getresponse()
    text = r.read().decode("utf-8", "replace")
    c.close()
    return r.status, text


def read(path):
    try:
        with open(os.path.join(CLONE, path), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def fingerprint():
    """What a state change would change: HEAD, the index and working tree, the recorded conflicts, the files."""
    git = lambda *a: subprocess.run(["git", *a], cwd=CLONE, capture_output=True, text=True).stdout
    return (git("rev-parse", "HEAD"), git("status", "--porcelain"), read(".git/gpmsync/conflicts.json"),
            read(CONFLICTED), read(EXCEL))


status, page = request("GET", "/")
check(status == 200, f"the page answers its own address (got {status})")
token = re.search(r'name="token" value="([0-9a-f]{64})"', page)
check(token is not None, "the page carries a 64-hex-digit token")
token = token.group(1) if token else ""
check("TP|SYR|F|ALL" in page and "encoding-error" in page, "the page shows the conflicts and the held-back file")
before = fingerprint()

# DNS rebinding: a page of another site whose name now points at 127.0.0.1 sends its own name.
for host in ["evil.example", f"evil.example:{PORT}", f"127.0.0.1:{PORT + 1}", "127.0.0.1", None]:
    s, _ = request("GET", "/", host=host)
    check(s in (400, 403), f"GET / with Host {host!r} is refused (got {s})")
s, _ = request("POST", "/sync", host="evil.example", form={"token": token})
check(s == 403, f"a POST with the right token but a foreign Host is refused (got {s})")
s, _ = request("POST", "/resolve", host=f"evil.example:{PORT}",
               form={"token": token, "path": CONFLICTED, "choice": "all-theirs"})
check(s == 403, f"a resolve with a foreign Host is refused (got {s})")

# Forms without the token, or with another one.
for name, form in [("no token", {}), ("an empty token", {"token": ""}), ("another token", {"token": "0" * 64}),
                   ("a token one digit short", {"token": token[:-1]})]:
    for path, extra in [("/sync", {}), ("/resolve", {"path": CONFLICTED, "choice": "all-theirs"}),
                        ("/import", {"path": EXCEL})]:
        s, body = request("POST", path, form={**form, **extra})
        check(s == 403, f"POST {path} with {name} is refused (got {s})")
s, body = request("POST", "/resolve", form={"path": CONFLICTED, "choice": "all-theirs"})
check("did not come from this computer's gpmsync page" in body, "the refusal says why")

# GETs of every page, and GETs of the actions' paths with every parameter an action takes: nothing changes.
q = urllib.parse.urlencode
gets = ["/", "/?done=sync", "/file?" + q({"path": CONFLICTED}), "/file?" + q({"path": EXCEL}), "/practices",
        "/practice-template.md", "/status", "/metrics", "/style.css", "/language?to=tr&back=/",
        "/sync?" + q({"token": token}), "/resolve?" + q({"token": token, "path": CONFLICTED, "choice": "all-theirs"}),
        "/resolve?" + q({"token": token, "path": CONFLICTED, "key": "TP|SYR|F|ALL", "field": "count", "choice": "value", "value": "1"}),
        "/import?" + q({"token": token, "path": EXCEL})]
for path in gets:
    s, _ = request("GET", path)
    action = path.split("?")[0] in ("/sync", "/resolve", "/import")
    expected = (404, 405) if action else (302,) if path.startswith("/language") else (200,)
    check(s in expected, f"GET {path[:60]} answers {s}")
check(fingerprint() == before, "no GET and no refused request changed the clone")

# Files outside the municipality's folder are not shown.
for path in ["../../etc/passwd", "/etc/passwd", ".git/config", "municipalities/16-nilufer/profile.yaml", "access.csv"]:
    s, _ = request("GET", "/file?" + q({"path": path}))
    check(s == 404, f"/file?path={path} is not shown (got {s})")

print(f"{len(failures)} failed" if failures else "all passed")
sys.exit(1 if failures else 0)
