#!/usr/bin/env bash
# Smoke test of the real spoolscope.exe under Wine, as an engineer would run it on a workstation:
# no PATH argument, so it must find the current user's %LOCALAPPDATA% by itself.
#
#   tests/windows/wine-smoke.sh path/to/spoolscope.exe [unit-tests.exe]...
#
# Any further .exe given (cargo's test binaries for the Windows target) is run in the same
# prefix afterwards, so the #[cfg(windows)] unit tests run as Windows code too.
#
# Needs wine64 (Debian: wine64, /usr/lib/wine/wine64), the MinGW compiler
# (gcc-mingw-w64-x86-64) and python3; .ci/run installs them. Everything it creates lives in a
# temporary folder that is removed at the end. Headless: no X display, no Gecko/Mono prompts.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
exe_src="$(realpath "${1:?usage: wine-smoke.sh path/to/spoolscope.exe}")"
WINE="${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}"
WINESERVER="${WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver)}"
[ -x "$WINE" ] || { echo "FAIL: wine64 not found (looked at $WINE)" >&2; exit 1; }

work="$(mktemp -d /tmp/spoolscope-wine.XXXXXX)"
export WINEPREFIX="$work/prefix"
export WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono / Gecko installer prompts
export WINEDEBUG="${WINEDEBUG:--all}"
export DISPLAY=""
export WINEARCH=win64
cleanup() {
    "$WINESERVER" -k >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$work"/*.out "$work"/*.err; do
        [ -s "$f" ] && { echo "--- $f" >&2; head -c 4000 "$f" >&2; echo >&2; }
    done
    exit 1
}

wine() { timeout 300 "$WINE" "$@" </dev/null; }

echo "-- creating a throw-away prefix in $WINEPREFIX"
wine wineboot -i >"$work/wineboot.log" 2>&1 || fail "wineboot failed: $(tail -5 "$work/wineboot.log")"
"$WINESERVER" -w

# Where this prefix keeps the user's %LOCALAPPDATA%, asked of Wine itself (the user name is
# the Unix one, and the folder layout differs between Wine versions).
win_local="$(wine cmd /c echo %LOCALAPPDATA% | tr -d '\r')"
local_dir="$(wine winepath -u "$win_local" | tr -d '\r')"
[ -d "$local_dir" ] || fail "%LOCALAPPDATA% ($win_local) is not a folder here: $local_dir"
echo "-- %LOCALAPPDATA% is $win_local = $local_dir"

# The binary and, where Wine lacks ProcessPrng (Wine 8), the bcryptprimitives.dll stand-in.
bin="$work/bin"
mkdir -p "$bin"
cp "$exe_src" "$bin/spoolscope.exe"
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" \
    "$here/processprng.c" -ladvapi32 || fail "cannot build the ProcessPrng shim"
if wine "$bin/spoolscope.exe" --version >"$work/version.out" 2>"$work/version.err"; then
    echo "-- runs as it is: $(tr -d '\r' <"$work/version.out")"
else
    cp "$work/bcryptprimitives.dll" "$bin/"
    wine "$bin/spoolscope.exe" --version >"$work/version.out" 2>"$work/version.err" ||
        fail "spoolscope.exe --version does not run, even with the ProcessPrng shim"
    echo "-- runs with the ProcessPrng shim: $(tr -d '\r' <"$work/version.out")"
fi

# --version names the build: the commit and the Windows target triple.
grep -q 'x86_64-pc-windows-gnu' "$work/version.out" || fail "--version does not name the target: $(cat "$work/version.out")"

# A workstation: one stuck account (two items 15 and 40 minutes old, one fresh), plus a
# Lync 2013 account with nothing stuck.
sip="$local_dir/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com"
spool="$sip/History Spooler"
mkdir -p "$spool" "$local_dir/Microsoft/Office/15.0/Lync/sip_old@contoso.com/History Spooler"
cat >"$spool/{5B0C1E52-7E43-4F0B-9D0A-1C2B3D4E5F60}.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
 <soap:Body><m:CreateItem MessageDisposition="SaveOnly">
  <m:Items><t:Message>
   <t:ItemClass>IPM.Note.Microsoft.Conversation</t:ItemClass>
   <t:Subject>offline message</t:Subject>
   <t:ToRecipients><t:Mailbox><t:EmailAddress>rlee@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients>
  </t:Message></m:Items>
 </m:CreateItem></soap:Body>
</soap:Envelope>
XML
printf 'From: jdoe@contoso.com\r\nTo: mkim@contoso.com\r\nSubject: missed\r\n\r\nhello\r\n' \
    >"$spool/{8E1D2C3B-0000-4000-8000-000000000002}.eml"
printf 'fresh' >"$spool/{00000000-0000-4000-8000-000000000003}.txt"
touch -d '-15 minutes' "$spool/{5B0C1E52-7E43-4F0B-9D0A-1C2B3D4E5F60}.xml"
touch -d '-40 minutes' "$spool/{8E1D2C3B-0000-4000-8000-000000000002}.eml"

echo "-- spoolscope.exe report --format json   (no PATH)"
set +e
(cd "$bin" && wine ./spoolscope.exe report --format json) >"$work/report.out" 2>"$work/report.err"
code=$?
set -e
[ "$code" = 1 ] || fail "exit code $code, expected 1 (stuck items found)"

python3 - "$work/report.out" "$win_local" <<'PY' || fail "the JSON report is not what it should be"
import json, sys
report, win_local = json.load(open(sys.argv[1], encoding="utf-8")), sys.argv[2]
accounts = {a["address"]: a for a in report["accounts"]}
assert set(accounts) == {"jdoe@contoso.com", "old@contoso.com"}, accounts
jdoe = accounts["jdoe@contoso.com"]
assert jdoe["client"] == "16.0", jdoe
assert jdoe["items"] == 3 and jdoe["stuck"] == 2, jdoe
assert 40 * 60 - 60 <= jdoe["oldest_age_secs"] <= 40 * 60 + 600, jdoe
# Windows paths, under the prefix's %LOCALAPPDATA%, with no \\?\ prefix.
assert jdoe["spooler"].lower() == (
    win_local + r"\Microsoft\Office\16.0\Lync\sip_jdoe@contoso.com\History Spooler"
).lower(), jdoe["spooler"]
assert accounts["old@contoso.com"]["client"] == "15.0"
assert accounts["old@contoso.com"]["stuck"] == 0
stuck = sorted(i["path"].rsplit("\\", 1)[-1] for i in report["items"] if i["stuck"])
assert stuck == ["{5B0C1E52-7E43-4F0B-9D0A-1C2B3D4E5F60}.xml",
                 "{8E1D2C3B-0000-4000-8000-000000000002}.eml"], stuck
formats = {i["path"].rsplit(".", 1)[-1]: i["format"] for i in report["items"]}
assert formats["xml"] == "xml" and formats["eml"] == "mime", formats
finding = [f for f in report["findings"] if f["rule"] == "spool-stuck"]
assert len(finding) == 1 and finding[0]["account"] == "jdoe@contoso.com", report["findings"]
assert len(finding[0]["evidence"]) == 2
assert report["summary"]["stuck"] == 2 and report["summary"]["errors"] == 0, report["summary"]
print("   accounts:", ", ".join(sorted(accounts)), "| stuck:", ", ".join(stuck))
PY

# A typed \\?\ path deeper than MAX_PATH (260 characters) works and is shown plain.
deep_unix="$local_dir/case"
deep_win="$win_local\\case"
for i in $(seq -w 1 12); do
    deep_unix="$deep_unix/collected-folder-with-a-long-name-$i"
    deep_win="$deep_win\\collected-folder-with-a-long-name-$i"
done
long_spool="$deep_unix/Users/mkim/AppData/Local/Microsoft/Office/16.0/Lync/sip_mkim@contoso.com/History Spooler"
mkdir -p "$long_spool"
printf 'stuck' >"$long_spool/item.txt"
touch -d '-30 minutes' "$long_spool/item.txt"
echo "-- spoolscope.exe report \\\\?\\<${#deep_win} characters> --format json"
set +e
(cd "$bin" && wine ./spoolscope.exe report "\\\\?\\$deep_win" --format json) \
    >"$work/long.out" 2>"$work/long.err"
code=$?
set -e
[ "$code" = 1 ] || fail "long path: exit code $code, expected 1"
python3 - "$work/long.out" <<'PY' || fail "the long-path report is not what it should be"
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
[acc] = report["accounts"]
assert acc["address"] == "mkim@contoso.com" and acc["profile"] == "mkim", acc
assert acc["stuck"] == 1, acc
[item] = report["items"]
assert len(item["path"]) > 260 and not item["path"].startswith("\\\\?\\"), item["path"]
print("   long path:", len(item["path"]), "characters, profile", acc["profile"])
PY

echo "-- spoolscope.exe report --all-users --format json   (Users folder found from %PUBLIC%)"
set +e
(cd "$bin" && wine ./spoolscope.exe report --all-users --format json --fail-on critical) \
    >"$work/all.out" 2>"$work/all.err"
code=$?
set -e
[ "$code" = 0 ] || fail "--all-users: exit code $code, expected 0 (only warnings)"
python3 - "$work/all.out" <<'PY' || fail "the --all-users report is not what it should be"
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
addresses = sorted(a["address"] for a in report["accounts"])
assert "jdoe@contoso.com" in addresses, addresses
assert all(a["profile"] not in ("Public", "Default") for a in report["accounts"]), addresses
print("   all users:", ", ".join(addresses))
PY

# The native watcher (notify's ReadDirectoryChangesW backend) in the real exe: `watch` must
# start natively, not fall back to polling, and report a file created in a watched spooler and
# its removal. notify before 8.0 aborted here (unaligned FILE_NOTIFY_INFORMATION reads).
echo "-- spoolscope.exe watch   (native watcher under Wine)"
wcase_unix="$local_dir/watchcase"
wspool="$wcase_unix/Users/wtest/AppData/Local/Microsoft/Office/16.0/Lync/sip_wtest@contoso.com/History Spooler"
mkdir -p "$wspool"
: >"$work/watch.out"
(cd "$bin" && exec "$WINE" ./spoolscope.exe watch "$win_local\\watchcase" --format ndjson \
    --heartbeat 1h --debug-log "$win_local\\watch-debug.log") \
    </dev/null >"$work/watch.out" 2>"$work/watch.err" &
watch_pid=$!
# Wait (at most $2 seconds) until the watch output has a line matching $1.
wait_line() {
    local deadline=$((SECONDS + $2))
    while [ "$SECONDS" -lt "$deadline" ]; do
        tr -d '\r' <"$work/watch.out" | grep -q -- "$1" && return 0
        kill -0 "$watch_pid" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}
stop_watch() {
    kill "$watch_pid" 2>/dev/null || true
    wait "$watch_pid" 2>/dev/null || true
}
wait_line '"type":"heartbeat".*mode native' 120 || {
    stop_watch
    fail "watch did not start natively: $(grep -o '"message":"[^"]*"' "$work/watch.out" | head -3)"
}
printf 'stuck' >"$wspool/{WINE-NATIVE-1}.txt"
if ! wait_line '"type":"item-added".*WINE-NATIVE-1' 30; then
    stop_watch
    fail "the native watcher did not report a new spooled file"
fi
rm "$wspool/{WINE-NATIVE-1}.txt"
if ! wait_line '"type":"item-removed".*WINE-NATIVE-1' 30; then
    stop_watch
    fail "the native watcher did not report a removed spooled file"
fi
stop_watch
grep -q 'watch: native notifications on' "$local_dir/watch-debug.log" ||
    fail "the debug log does not say the watcher went native"
echo "   native watcher: mode native, item added and removed; debug log $(wc -l <"$local_dir/watch-debug.log") lines"

shift
for tests_exe in "$@"; do
    name="$(basename "$tests_exe")"
    echo "-- unit tests as Windows code: $name"
    cp "$tests_exe" "$bin/$name"
    set +e
    # All of them, the native-watcher test included (notify 8 reads Wine's unaligned
    # FILE_NOTIFY_INFORMATION records safely).
    (cd "$bin" && wine "./$name" --test-threads=2) >"$work/unit.out" 2>"$work/unit.err"
    code=$?
    set -e
    tr -d '\r' <"$work/unit.out" | grep -E '^(test result|failures:|    [a-z_:]+$)' | sed 's/^/   /' || true
    [ "$code" = 0 ] || fail "$name failed under Wine (exit code $code)"
done

echo "wine smoke test: ok"
