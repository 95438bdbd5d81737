#!/usr/bin/env python3
"""A DHIS2-shaped stub of POST /api/dataValueSets for the export's tests, on 127.0.0.1 and a free port.

It prints its port on the first line of standard output, then serves until killed. Each request is checked:
the `Authorization: ApiToken <token>` header (401 otherwise), the content type, and a JSON payload against
dhis2-datavalueset.schema.json (400 with the schema error otherwise; a CSV payload against DHIS2's CSV
columns). It answers with an import summary in DHIS2's shape (a web message wrapping an ImportSummary,
as DHIS2 2.38 and later do): 200 and status SUCCESS; or, when a data value names an org unit listed in
--unknown-org-units, 409 and status WARNING with one conflict per such value, which DHIS2 ignores.
Every request is appended as one JSON line to --log (path, query, headers but the token, the payload).
"""
import argparse
import csv
import io
import json
import os
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
CSV_COLUMNS = ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value", "storedby",
               "lastupdated", "comment", "flwup"]


def summary(status, imported, updated, ignored, conflicts, dry_run):
    body = {
        "responseType": "ImportSummary", "status": status,
        "importOptions": {"idSchemes": {}, "dryRun": dry_run, "async": False, "importStrategy": "CREATE_AND_UPDATE"},
        "description": "Import process completed successfully" if status == "SUCCESS" else "Import process completed with conflicts",
        "importCount": {"imported": imported, "updated": updated, "ignored": ignored, "deleted": 0},
        "conflicts": conflicts, "dataSetComplete": "false",
    }
    ok = not conflicts
    return {"httpStatus": "OK" if ok else "Conflict", "httpStatusCode": 200 if ok else 409,
            "status": "OK" if ok else "WARNING",
            "message": "Import was successful." if ok else "One more conflicts encountered, please check import summary.",
            "response": body}


def make_handler(args, schema, stored):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def answer(self, code, obj):
            data = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            url = urllib.parse.urlparse(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            entry = {"path": url.path, "query": query, "content_type": self.headers.get("Content-Type"),
                     "authorized": self.headers.get("Authorization") == "ApiToken " + args.token}
            if url.path != "/api/dataValueSets":
                return self.answer(404, {"httpStatus": "Not Found", "httpStatusCode": 404, "status": "ERROR"})
            if not entry["authorized"]:
                self.log(entry)
                return self.answer(401, {"httpStatus": "Unauthorized", "httpStatusCode": 401, "status": "ERROR",
                                         "message": "Unauthorized"})
            try:
                if entry["content_type"] == "application/json":
                    payload = json.loads(raw)
                    jsonschema.validate(payload, schema)
                    values = payload["dataValues"]
                elif entry["content_type"] == "application/csv":
                    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
                    assert rows and rows[0] == CSV_COLUMNS, f"CSV header {rows[:1]} is not DHIS2's {CSV_COLUMNS}"
                    values = [{"dataElement": r[0], "period": r[1], "orgUnit": r[2], "categoryOptionCombo": r[3],
                               "value": r[5]} for r in rows[1:]]
                    for v in values:
                        jsonschema.validate({"dataValues": [{k: x for k, x in v.items() if x != ""}]}, schema)
                else:
                    raise ValueError(f"content type {entry['content_type']}")
            except Exception as e:  # the payload does not follow DHIS2's documented shape
                entry["error"] = str(e)[:500]
                self.log(entry)
                return self.answer(400, {"httpStatus": "Bad Request", "httpStatusCode": 400, "status": "ERROR",
                                         "message": str(e)[:500]})
            entry["values"] = len(values)
            entry["payload"] = values[:50]
            self.log(entry)
            dry_run = query.get("dryRun") == "true"
            unknown = set(args.unknown_org_units.split(",")) if args.unknown_org_units else set()
            conflicts = [{"object": v["orgUnit"], "value": "Org unit not found or not accessible"}
                         for v in values if v["orgUnit"] in unknown]
            imported = updated = 0
            for v in values:
                if v["orgUnit"] in unknown:
                    continue
                key = (v["dataElement"], v["period"], v["orgUnit"], v.get("categoryOptionCombo", ""))
                if key in stored:
                    updated += 1
                else:
                    imported += 1
                if not dry_run:
                    stored[key] = v["value"]
            body = summary("SUCCESS" if not conflicts else "WARNING", imported, updated, len(conflicts), conflicts, dry_run)
            self.answer(body["httpStatusCode"], body)

        def log(self, entry):
            if args.log:
                with open(args.log, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry) + "\n")

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--token", required=True)
    ap.add_argument("--log")
    ap.add_argument("--unknown-org-units", default="")
    args = ap.parse_args()
    schema = json.load(open(os.path.join(HERE, "dhis2-datavalueset.schema.json"), encoding="utf-8"))
    server = HTTPServer(("127.0.0.1", 0), make_handler(args, schema, {}))
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
