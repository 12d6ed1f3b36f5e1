# json_shape.jq — the product's one JSON shape, checked on any document: prints a line for each
# place that breaks it (nothing when the document keeps it). Used by e2e_json_shape.sh.
#
#   a list        {"items":[…],"next":CURSOR|null}, never a bare array at the top
#   an amount     {"amount":1234,"currency":"CNY"} under its name (balance, limit, …), or an
#                 integer "amount" with a sibling alphabetic "currency"; never "12.34" text
#   a currency    ISO 4217 alphabetic: "CNY"
#   a time        RFC 3339 with its offset or Z, or null for none

def money_key:
  test("^(amount|balance|available|held|limit|fee|fees_total|debit_cap|daily|per_txn|refunded|completed|net|gross|total|money|debits_pending|debits_posted|credits_pending|credits_posted)$|_amount$");
def time_key:
  test("(^at|_at|^ts|time|since|until|expires|^created|^updated|^revoked|^issued|_from|_review|^last_seen|^last_signin)$");
def rfc3339:
  type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$");
def alpha: type == "string" and test("^[A-Z]{3}$");
def whole: type == "number" and . == floor;
def money_object: type == "object" and (keys == ["amount", "currency"]) and (.amount | whole) and (.currency | alpha);
def where($p): if ($p | length) == 0 then "(top)" else $p | map(tostring) | join(".") end;

. as $doc
| (if type == "array" then "(top): a bare array, not {\"items\":[…],\"next\":…}" else empty end),
  (if type == "object" and has("items") and ((.items | type) != "array" or (has("next") | not))
   then "(top): items without a list and its next" else empty end),
  (paths as $p
   | ($p[-1]) as $k
   | ($doc | getpath($p)) as $v
   | (if ($k | type) == "string" then
        (if ($k | money_key) and ((($v | money_object)
              or (($v | whole) and ($doc | getpath($p[:-1]) | .currency | alpha))) | not)
         then "\(where($p)): \($v | tojson) is neither an amount object nor an integer beside an alphabetic currency"
         else empty end),
        (if $k == "currency" and ($v | alpha | not)
         then "\(where($p)): currency \($v | tojson) is not alphabetic" else empty end),
        (if ($k | time_key) and $v != null and ($v | rfc3339 | not)
         then "\(where($p)): time \($v | tojson) is not RFC 3339" else empty end)
      else empty end),
     (if ($v | type) == "string" and ($v | test("^-?[0-9]+\\.[0-9]{2,3}$"))
      then "\(where($p)): \($v | tojson) looks like money written as text" else empty end))
