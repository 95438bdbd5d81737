#!/usr/bin/env python3
"""Reads an HXL export back with libhxl and reports what a consumer of the file would see: the hashtags,
the number of rows, the count columns, and any count from 1 to threshold-1 that was published. Prints one
JSON report."""
import json
import sys

import hxl


def main(path, threshold):
    data = hxl.data(path, hxl.input.InputOptions(allow_local=True))
    tags = [c.display_tag for c in data.columns]
    counts = [i for i, c in enumerate(data.columns) if c.tag in ("#affected", "#reached", "#output", "#population")]
    rows, small, values = 0, [], 0
    dates = set()
    for row in data:
        rows += 1
        dates.add(row.get("#date"))
        for i in counts:
            v = row.values[i]
            if v not in ("", None):
                values += 1
                if 1 <= int(v) < threshold:
                    small.append(f"{row.get('#date')} {row.get('#adm2')} {data.columns[i].display_tag}={v}")
    json.dump({"tags": tags, "rows": rows, "values": values, "small_published": small[:10],
               "small_count": len(small), "dates": sorted(d for d in dates if d)}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
