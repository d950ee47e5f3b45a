#!/bin/sh
# Fill fuzz/corpus/<target>/ with seeds: the demo assets, the built-in markers, the config
# template, and small hand-written samples of each log and export format (the shapes the tests
# in tests/ use). Run from anywhere; the corpus folder is ignored by git.
# Usage: fuzz/seed.sh            (needs iconv for the UTF-16 variants; skipped without it)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
demo="$root/assets/demo"
c="$here/corpus"
for t in spool_sniff sanitize config redact uccapilog tracerpt_xml tracerpt_csv textlog mailbox psexport markers decode_words scan etl cls tail; do
    mkdir -p "$c/$t"
done

# put TARGET NAME: stdin into corpus/TARGET/NAME, plus a UTF-16LE copy (with BOM) when iconv exists.
put() {
    cat > "$c/$1/$2"
    if command -v iconv >/dev/null 2>&1; then
        { printf '\377\376'; iconv -f UTF-8 -t UTF-16LE < "$c/$1/$2"; } > "$c/$1/$2.utf16" 2>/dev/null \
            || rm -f "$c/$1/$2.utf16"
    fi
}

# Spooled items and anything with text: sniffer, sanitiser, redaction.
for f in "$demo"/*; do
    b=$(basename "$f")
    for t in spool_sniff sanitize redact; do cp "$f" "$c/$t/$b"; done
done
printf 'Subject: \033]52;c;cm0gLXJmIH4=\007hi \033[2J\342\200\256evil\033]8;;http://x\033\\link\033]8;;\033\\\r\n\r\nbody\r\n' \
    | tee "$c/sanitize/escapes" "$c/redact/escapes" > "$c/spool_sniff/escapes.eml"

# UccApilog.
cp "$demo/Lync-UccApi-0.UccApilog" "$demo/Lync-UccApi-0.UccApilog.bak" "$c/uccapilog/"
put uccapilog sip-block <<'EOF'
03/02/2026|13:49:58.101 1F68:C14 INFO  :: Sending Packet - 192.0.2.10:5061 (From Local Address: 198.51.100.35:20323) 1503 bytes:
03/02/2026|13:49:58.101 1F68:C14 INFO  :: INVITE sip:rlee@contoso.com SIP/2.0
From: <sip:jdoe@contoso.com>;tag=a1
To: <sip:rlee@contoso.com>
CSeq: 1 INVITE
User-Agent: UCCAPI/16.0.6366.2062 OC/16.0.6366.2062 (Skype for Business)
03/02/2026|13:49:58.101 1F68:C14 INFO  :: End of Sending Packet - 192.0.2.10:5061 (From Local Address: 198.51.100.35:20323) 1503 bytes
03/02/2026|13:49:59.000 1F68:C14 INFO  :: SIP/2.0 480 Temporarily Unavailable
ms-diagnostics: 15030;reason="Failed to route"
03/02/2026|13:50:00.981 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized
13/45/2026|25:61:99.000 1F68:C14 INFO  :: impossible date
EOF

# Lone-CR line ends (old Mac style).
printf '03/02/2026|13:50:00.000 1F68:C14 INFO  :: start\r03/02/2026|13:50:00.981 1F68:C14 ERROR :: EWS response HTTP/1.1 401 Unauthorized\r' \
    > "$c/uccapilog/lone-cr"

# tracerpt XML.
put tracerpt_xml events.xml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<Events>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System>
  <Provider Name="Lync" Guid="{00000000-0000-0000-0000-000000000001}"/>
  <EventID>10</EventID><Level>2</Level>
  <TimeCreated SystemTime="2026-03-02T08:50:01.500000000-05:00"/>
  <Execution ProcessID="8040" ThreadID="3092"/>
 </System>
 <EventData><Data Name="Operation">SendItem</Data><Data Name="Result">hr=0x80190191</Data></EventData>
</Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System><EventID>0</EventID><TimeCreated SystemTime="2026-02-30T99:00:00Z"/></System>
 <ProcessingErrorData><ErrorCode>15005</ErrorCode><EventPayload>0A0B0C0D</EventPayload></ProcessingErrorData>
</Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System><Provider Name="Lync"/><EventID>11</EventID><TimeCreated SystemTime="2026-03-02T08:50:03Z"/></System>
 <EventData><Data Name="Msg">SIP/2.0 480 Temporarily Unavailable EnableOfflineIM=true</Data></EventData>
</Event>
</Events>
EOF
printf '<?xml version="1.0"?>\n<!DOCTYPE e [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<Events><Event><System></System><EventData><Data>&b;</Data></EventData></Event></Events>\n' \
    > "$c/tracerpt_xml/entities.xml"

# Elements with a namespace prefix.
put tracerpt_xml prefixed.xml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<e:Events xmlns:e="http://schemas.microsoft.com/win/2004/08/events/event">
<e:Event><e:System><e:Provider Name="Lync"/><e:EventID>10</e:EventID><e:Level>2</e:Level><e:TimeCreated SystemTime="2026-03-02T13:50:00.000000000Z"/></e:System>
<e:EventData><e:Data Name="Result">HTTP/1.1 401 Unauthorized</e:Data></e:EventData></e:Event>
</e:Events>
EOF

# tracerpt CSV.
put tracerpt_csv events.csv <<'EOF'
Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data
EventTrace, Header, 0, 2, 0, 0, 0, 0, 0x0, 0x0000, 0x0000, 0, , , , , 134168508000000000, 0, 0, 65536
Lync, Info, 20, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , 134168508000000000, 10, 20, "EnableOfflineIM=true"
Lync, Error, 21, 0, 0, 2, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , 999999999999999999999, 10, 20, "SIP/2.0 480 Temporarily Unavailable, ""quoted"""
EOF

# A re-saved CSV: quoted fields holding line breaks (the row spans them), and one that never
# closes.
put tracerpt_csv multiline.csv <<'EOF'
Event Name,Type,Event ID,Version,Channel,Level,Opcode,Task,Keyword,PID,TID,Processor Number,Instance ID,Parent Instance ID,Activity ID,Related Activity ID,Clock-Time,Kernel(ms),User(ms),User Data
Lync,Info,10,0,0,2,0,0,0x0,0x1F68,0x0C14,1,,,,,134169264000000000,10,20,"POST https://mail.contoso.com/EWS/Exchange.asmx
EWS SendItem HTTP/1.1 401 Unauthorized, said ""no""
last",7
Lync,Info,11,0,0,2,0,0,0x0,0x1F68,0x0C14,1,,,,,134169264000000010,10,20,"never closed
Lync,Info,12,0,0,2,0,0,0x0,0x1F68,0x0C14,1,,,,,134169264000000020,10,20,EWS response HTTP/1.1 503
EOF

# netsh and other text logs; a leading `%` line is the time format (see textlog.rs).
put textlog netsh.txt <<'EOF'
[0]0F3C.1A2C::03/02/2026-13:49:58.101 [Microsoft-Windows-WinHttp]WinHttp GET https://mail.contoso.com/EWS/Exchange.asmx
[0]0F3C.1A2C::03/02/2026-13:49:59.000 [Microsoft-Windows-WinHttp]HTTP/1.1 401 Unauthorized
2026-03-02 13:50:00.000 SIP/2.0 480 Temporarily Unavailable
2026-02-30 25:00:00 impossible
EOF
put textlog custom-format.txt <<'EOF'
%d.%m.%Y %H:%M:%S
02.03.2026 13:50:00 EWS response HTTP/1.1 503 Service Unavailable
31.02.2026 13:50:01 impossible
EOF

# Mailbox exports: EWS responses and PowerShell.
for f in "$demo"/*.xml; do cp "$f" "$c/mailbox/"; done
put mailbox getfolder.xml <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<m:GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
<m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
<m:Folders><t:Folder><t:FolderId Id="AAA="/><t:DisplayName>Drafts</t:DisplayName><t:TotalCount>812</t:TotalCount></t:Folder></m:Folders>
</m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>
EOF
put mailbox finditem.xml <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
<m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
<m:RootFolder TotalItemsInView="3" IncludesLastItemInRange="false"><t:Items>
<t:Message><t:ItemId Id="A1"/><t:Subject>Missed conversation with Robin</t:Subject><t:ItemClass>IPM.Note.Microsoft.Missed.Im</t:ItemClass>
<t:DateTimeCreated>2026-03-02T13:50:00Z</t:DateTimeCreated><t:From><t:Mailbox><t:EmailAddress>jdoe@contoso.com</t:EmailAddress></t:Mailbox></t:From></t:Message>
</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>
EOF
for f in "$demo"/*.csv "$demo"/*.txt; do cp "$f" "$c/psexport/"; done
put psexport policies.json <<'EOF'
[
  {"Identity": "Global", "EnableOfflineIm": true, "EnableIMAutoArchiving": false},
  {"Identity": "Site:Redmond", "EnableOfflineIm": false, "EnableFileTransfer": true}
]
EOF
put psexport items.csv <<'EOF'
#TYPE Selected.Microsoft.Exchange.Data.Storage.Item
"Subject";"ItemClass";"DateTimeCreated";"From"
"Missed conversation with Robin";"IPM.Note.Microsoft.Missed.Im";"3/2/2026 1:50:00 PM";"jdoe@contoso.com"
EOF

# Binary ETL: the real traces whole, and the records of their second buffers alone (the target
# also reads every input as the records of a buffer).
for f in "$root"/tests/fixtures/etl/*.etl; do
    b=$(basename "$f" .etl)
    cp "$f" "$c/etl/$b.etl"
    first=$(od -An -tu4 -N4 "$f" | tr -d ' ')
    size=$(od -An -tu4 -N4 -j"$first" "$f" | tr -d ' ')
    filled=$(od -An -tu4 -N4 -j$((first + 48)) "$f" | tr -d ' ')
    [ "${size:-0}" -gt 72 ] && [ "${filled:-0}" -gt 72 ] && [ "$filled" -le "$size" ] &&
        tail -c +$((first + 72 + 1)) "$f" | head -c $((filled - 72)) > "$c/etl/$b.records"
done

# Markers and config files.
cp "$root/assets/markers.toml" "$c/markers/builtin.toml"
put markers user.toml <<'EOF'
[context]
ews = 'EWS (request|response)'

[[marker]]
id = "my-503"
kind = "http-status"
pattern = 'HTTP/1\.1 (?P<status>5\d\d)'
context = ["ews"]
extract = { url = 'https?://\S+' }
explain = "A server error from the mailbox."
EOF
cargo run -q --manifest-path "$root/Cargo.toml" -- --print-config-template > "$c/config/template.toml" 2>/dev/null \
    || rm -f "$c/config/template.toml"
put config small.toml <<'EOF'
stuck_after = "2m"
fail_on = "critical"
color = "never"
log_tz = "+01:00"
window = "5m"
[keys]
quit = ["q", "ctrl-c"]
EOF
# RFC 2047 encoded words, multi-byte characters next to `=` and `?`, many attributes: the
# shapes that once made the sniffer panic or go quadratic (issue 13).
words='=?utf-8?Q?x=Aé?=|=?utf-8?Q?caf=C3=A9?= =?utf-8?B?w6k=?=|=?windows-1252?Q?=80_5?=|=?koi8-r?B?8NLJ18XU?=|=?iso-8859-1?Q?caf=E9?=|=?utf-16le?Q?=00=D8a=00?=|=?utf-16be?B?AGgA6Q==?=|=?x-unknown?Q?abc?=|=?utf-8*en?Q?hi?=|=?utf-8?Q?=C3?= =?utf-8?Q?=A9?=|=?é?Q?=E9?=|=?utf-8?é?x?=|=?utf-8?Q?=?=|=?utf-8?B?!!!?=|é=?utf-8?Q?=Aé|=?utf-8?Q?a?=?=é?=|=?shift_jis?B?k/qWe4zq?='
i=0
echo "$words" | tr '|' '\n' | while IFS= read -r w; do
    i=$((i + 1))
    printf '%s' "$w" > "$c/decode_words/word-$i"
    printf 'From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: %s\r\nDate: Mon, 2 Mar 2026 11:48:10 +0000\r\n\r\nbody\r\n' "$w" \
        > "$c/spool_sniff/subject-$i.eml"
    # One spooler of two files for the scan target (0xFF separates the files).
    { printf '\001\001'; printf 'Subject: %s\r\nFrom: a@b.cd\r\n\r\nx' "$w"; printf '\377\002<a x="1"/>'; } \
        > "$c/scan/subject-$i"
done
printf 'Subject: =?utf-8?Q?a?=\r\n =?utf-8?Q?b?=\r\n\t=?utf-8?Q?=C3?=\r\n =?utf-8?Q?=A9?=\r\nFrom: a@b.cd\r\n\r\nx' \
    > "$c/spool_sniff/folded-words.eml"
# Many attributes on one tag, with multi-byte characters next to `=` and `?` in their values.
attrs=$(awk 'BEGIN { for (i = 0; i < 400; i++) printf " a%d=\"é=?%d?=\"", i, i }')
printf '<CreateItem%s MessageDisposition="SaveOnly"><ConversationId%s Id="c"/><Subject>=?utf-8?Q?x=Aé?=</Subject></CreateItem>' \
    "$attrs" "$attrs" > "$c/spool_sniff/many-attributes.xml"
printf '<?xml version="1.0"?><m:FindItemResponse xmlns:m="m" xmlns:t="t"><m:ResponseMessages><m:FindItemResponseMessage><m:RootFolder%s TotalItemsInView="1"><t:Items><t:Message><t:ItemId%s Id="AAMk"/><t:Subject>=?utf-8?Q?x=Aé?= é?=</t:Subject></t:Message></t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>' \
    "$attrs" "$attrs" > "$c/mailbox/many-attributes.xml"
printf '<?xml version="1.0"?><Events><Event><System><Provider%s Name="Lync"/><EventID>1</EventID><TimeCreated SystemTime="2026-03-02T08:50:01Z"/><Execution%s ProcessID="1" ThreadID="2"/></System><EventData><Data%s Name="Result">HTTP/1.1 401 é=?x?=</Data></EventData></Event></Events>' \
    "$attrs" "$attrs" "$attrs" > "$c/tracerpt_xml/many-attributes.xml"
printf '<?xml version="1.0"?><Events><Event><System><Provider Name="Lync"/></System><UserData><a>é=?<b>x=Aé</b>?=</a></UserData></Event></Events>' \
    > "$c/tracerpt_xml/userdata-nesting.xml"
# Demo items as one-file spoolers for the scan target.
for f in "$demo"/*; do
    { printf '\000'; cat "$f"; } > "$c/scan/demo-$(basename "$f")"
done
echo "seeded: $(find "$c" -type f | wc -l) files in $c"

# Shapes of real files (issue 16): the fixtures of tests/real_shapes.rs, plus UTF-16LE copies.
real="$root/tests/fixtures/real"
for f in tracerpt_offsets.xml single_event.xml; do put tracerpt_xml "real-$f" < "$real/$f"; done
for f in resaved_index.csv resaved_plain.csv; do put tracerpt_csv "real-$f" < "$real/$f"; done
for f in zoned.log time_only.log; do put textlog "real-$f" < "$real/$f"; done
for f in cls_2015.log cls_2010.log; do
    put cls "real-$f" < "$real/$f"
    cp "$real/$f" "$c/textlog/real-$f"
done
for f in ews_finditem_error.xml ews_fault.xml ews_ex_sender.xml; do put mailbox "real-$f" < "$real/$f"; done
printf 'TL_ERROR(TF_DIAG) [a\\b]1.2::13/45/2017-25:61:99.999.0 ((((x,y::z:f.cpp(1)) $$begin_record\nText: \nResult-Code: 0x\n$$end_record\n' \
    > "$c/cls/odd-header"

# Tailing: the log seeds of each tailed kind behind the target's header (kind; three split
# points at 1/4, 1/2, 3/4; an action byte and its size), with no action, a cut after the second
# piece, or a replacement after the third, in turn.
i=0
for pair in 0:uccapilog 1:textlog 2:textlog 3:tracerpt_csv 4:cls; do
    k=${pair%%:*}
    t=${pair#*:}
    for f in "$c/$t"/*; do
        i=$((i + 1))
        case $((i % 3)) in
        0) act='\000' ;;
        1) act='\011' ;;
        *) act='\022' ;;
        esac
        { printf "\\00$k\\003\\100\\200\\300$act\\200"; cat "$f"; } > "$c/tail/$k-$(basename "$f")"
    done
done
echo "tail seeds: $(find "$c/tail" -type f | wc -l)"
