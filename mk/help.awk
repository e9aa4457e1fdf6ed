# `make help`: every target documented by `## ` comment lines directly
# above its rule, from the Makefile and mk/*.mk in the order make reads them.
# A phony target or a TEST_TARGETS entry without such a comment is listed
# as undocumented (tests/e2e/make.test.mjs fails on that).
#   awk -v first='demo test' -v test_targets='...' -f mk/help.awk Makefile mk/*.mk
# `first` names targets to list before the others.

FNR == 1 { doc = "" }

/^## / {
  line = substr($0, 4)
  doc = doc == "" ? line : doc " " line
  next
}

/^\.PHONY:/ {
  sub(/^\.PHONY:[ \t]*/, "")
  n = split($0, names, /[ \t]+/)
  for (i = 1; i <= n; i++) if (names[i] != "") phony[names[i]] = FILENAME
  doc = ""
  next
}

/^[A-Za-z0-9_.\/-]+([ \t]+[A-Za-z0-9_.\/-]+)*[ \t]*:([^=]|$)/ {
  if (doc != "") {
    split($0, parts, ":")
    n = split(parts[1], names, /[ \t]+/)
    for (i = 1; i <= n; i++) {
      if (names[i] == "" || (names[i] in text)) continue
      order[++count] = names[i]
      text[names[i]] = doc
      where[names[i]] = FILENAME
    }
  }
  doc = ""
  next
}

{ doc = "" }

END {
  print "Usage: make TARGET   (from the Makefile and mk/*.mk)"
  print ""
  width = 0
  for (i = 1; i <= count; i++) if (length(order[i]) > width) width = length(order[i])
  nfirst = split(first, lead, /[ \t]+/)
  for (i = 1; i <= nfirst; i++) if (lead[i] in text) { printf "  %-" width "s  %s\n", lead[i], text[lead[i]]; shown[lead[i]] = 1 }
  for (i = 1; i <= count; i++) if (!(order[i] in shown)) printf "  %-" width "s  %s\n", order[i], text[order[i]]
  n = split(test_targets, tests, /[ \t]+/)
  for (i = 1; i <= n; i++) if (tests[i] != "") phony[tests[i]] = phony[tests[i]] == "" ? "TEST_TARGETS" : phony[tests[i]]
  missing = ""
  for (name in phony) if (!(name in text)) missing = missing " " name " (" phony[name] ")"
  if (missing != "") {
    print ""
    print "Undocumented (add a `## ` comment above the rule):" missing
  }
}
