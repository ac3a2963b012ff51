#!/usr/bin/env bash
# Render the HTML report (`diagnose --format html`) in a real browser, at a desktop and a phone
# width, and fail on an empty or broken page. Installs Debian's Chromium when it is not there
# (apt-get, as root or through sudo). With --update, also refreshes the picture README shows
# (docs/figures/report-desktop.png).
# Usage: tools/html_check.sh [--update]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo build --quiet --example diagnose
for patient in adult newborn intermediate-child; do
  ./target/debug/examples/diagnose --format html "examples/patients/$patient.json" > "$tmp/$patient.html"
  for view in desktop:1280 phone:390; do
    name=${view%%:*}
    width=${view##*:}
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$width,1600" \
      --screenshot="$tmp/$patient-$name.png" "file://$tmp/$patient.html" >/dev/null 2>&1
    chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$tmp/$patient.html" \
      > "$tmp/$patient-$name.dom" 2>/dev/null
    python3 - "$tmp/$patient-$name.png" "$tmp/$patient-$name.dom" "$width" <<'PY'
import struct, sys, zlib

png, dom, width = sys.argv[1], sys.argv[2], int(sys.argv[3])

def pixels(path):
    """The rows of a PNG (8-bit RGB or RGBA), decoded with the standard library."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, colour = header[0], header[1], header[2], header[3]
    if depth != 8 or colour not in (2, 6):
        sys.exit(f"{path}: a PNG this check does not read (depth {depth}, colour type {colour})")
    bpp = 4 if colour == 6 else 3
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

w, h, bpp, rows = pixels(png)
if w != width:
    sys.exit(f"{png}: {w} pixels wide, not {width}")
colours, inked = set(), 0
for row in rows[::4]:
    for x in range(0, w * bpp, 4 * bpp):
        rgb = tuple(row[x:x + 3])
        colours.add(rgb)
        inked += rgb != (255, 255, 255)
share = inked / ((h // 4 + 1) * (w // 4 + 1))
text = open(dom).read()
missing = [s for s in ('id="differential"', 'id="robustness"', 'id="next"', 'id="explanations"', 'class="bar"') if s not in text]
if missing or len(colours) < 8 or share < 0.02:
    sys.exit(f"{png}: a broken page ({len(colours)} colours, {share:.1%} inked, missing {missing})")
print(f"{png.rsplit('/', 1)[-1]}: {w}x{h}, {len(colours)} colours, {share:.1%} inked, every section rendered")
PY
  done
done
if [ "${1:-}" = "--update" ]; then
  # README's picture: an open differential (the girl of tests/genes.rs, phenotype only).
  ./target/debug/examples/diagnose --format html --no-genes tests/fixtures/genes/plekhm1-girl.json > "$tmp/readme.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1250 \
    --screenshot=docs/figures/report-desktop.png "file://$tmp/readme.html" >/dev/null 2>&1
  echo "docs/figures/report-desktop.png updated"
fi
