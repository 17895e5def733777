#!/usr/bin/env bash
# The report as a person sees it: makes a small comparison, writes its
# report.html with `statecraft report`, renders the page in headless Chromium
# and checks that
#   1. the rendered page holds every figure the report listed (one <svg> per
#      figure, each under its anchor), read from Chromium's DOM;
#   2. the screenshot is not blank: many pixels are not white, there are many
#      colours, and the figures' first colour (the palette's blue) is drawn.
#
#   scripts/check_report.sh          (KEEP=1 keeps the page and screenshot)
#
# Needs Debian's `chromium` (.ci/run installs it) and python3 (standard
# library only, to read the PNG). Without Chromium it prints SKIP and exits 0
# on a developer's machine, but fails under CI (CI=true), where a skipped
# check would hide a broken report. STATECRAFT_BIN defaults to
# target/release/statecraft (build it first).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${STATECRAFT_BIN:-target/release/statecraft}
[[ -x "$bin" ]] || {
    echo "check_report: no binary at $bin; run cargo build --release first" >&2
    exit 2
}
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
    if [[ "${CI:-}" == true ]]; then
        echo "check_report: FAIL: no chromium under CI (.ci/run installs Debian's chromium)" >&2
        exit 1
    fi
    echo "check_report: SKIP: no chromium here (apt-get install chromium); the report was NOT checked in a browser"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/statecraft-report.XXXXXX")
[[ "${KEEP:-}" == 1 ]] && echo "check_report: keeping $tmp" || trap 'rm -rf "$tmp"' EXIT
dir=$tmp/compare
"$bin" compare scenarios/kazakhstan_wto_eaeu.toml --runs 10 --timeseries --quiet --out "$dir"
"$bin" report "$dir" | tee "$tmp/listed"
figures=$(grep -c '^  .*\.svg  ' "$tmp/listed" || true)
((figures > 0)) || {
    echo "check_report: FAIL: the report listed no figure" >&2
    exit 1
}

# Chromium's sandbox needs user namespaces, which containers and root lack.
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
    --user-data-dir="$tmp/profile" --allow-file-access-from-files)
url="file://$dir/report.html"
timeout 120 "$browser" "${flags[@]}" --dump-dom "$url" >"$tmp/dom.html" 2>"$tmp/chromium.log" || {
    echo "check_report: FAIL: chromium could not load the page:" >&2
    tail -n 20 "$tmp/chromium.log" >&2
    exit 1
}
timeout 120 "$browser" "${flags[@]}" --window-size=1000,9000 --screenshot="$tmp/report.png" "$url" \
    >>"$tmp/chromium.log" 2>&1 || true
[[ -s "$tmp/report.png" ]] || {
    echo "check_report: FAIL: chromium wrote no screenshot:" >&2
    tail -n 20 "$tmp/chromium.log" >&2
    exit 1
}

python3 - "$tmp/dom.html" "$tmp/report.png" "$tmp/listed" <<'EOF'
import re, struct, sys, zlib

dom, png, listed = (open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], "rb").read(),
                    open(sys.argv[3], encoding="utf-8").read())
names = re.findall(r"^  (\S+)\.svg  ", listed, re.M)
fail = []
svgs = len(re.findall(r"<svg\b", dom))
if svgs != len(names):
    fail.append(f"the rendered page has {svgs} <svg> elements for {len(names)} figures")
for name in names:
    block = re.search(r'<figure id="%s">(.*?)</figure>' % re.escape(name), dom, re.S)
    if not block or "<svg" not in block.group(1) or "<h3>" not in block.group(1):
        fail.append(f"figure {name} is missing from the rendered page, or has no <svg> or title")

# Decode the PNG (8-bit RGB or RGBA, as Chromium writes it) with the standard library.
assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(png):
    n, kind = struct.unpack(">I4s", png[pos:pos + 8])
    data = png[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", data[:10])
        assert depth == 8 and colour in (2, 6), f"unexpected PNG format {depth}/{colour}"
        bpp = 3 if colour == 2 else 4
    elif kind == b"IDAT":
        idat += data
    pos += 12 + n
raw, stride = zlib.decompress(idat), width * bpp
prev, pixels = bytearray(stride), []
for y in range(height):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    pixels.extend(tuple(line[i:i + 3]) for i in range(0, stride, bpp * 4))  # every 4th pixel
ink = sum(1 for p in pixels if p != (255, 255, 255)) / len(pixels)
colours = len(set(pixels))
blue = sum(1 for (r, g, b) in pixels if abs(r - 0) < 40 and abs(g - 114) < 40 and abs(b - 178) < 40)
if ink < 0.02:
    fail.append(f"the screenshot is blank: {ink:.1%} of its pixels are not white")
if colours < 16:
    fail.append(f"the screenshot has only {colours} colours")
if blue < 50:
    fail.append("no figure's colour is drawn in the screenshot")
if fail:
    print("check_report: FAIL:\n  " + "\n  ".join(fail), file=sys.stderr)
    sys.exit(1)
print(f"check_report: PASS: {len(names)} figures rendered; {width}x{height} screenshot, "
      f"{ink:.0%} ink, {colours} colours")
EOF
