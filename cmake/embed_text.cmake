# embed_text.cmake — makes a text file into one C file of a string literal:
# `const char NAME[] = "…";`. Run by the build (cmake -DIN=… -DOUT=… -DNAME=… -P
# embed_text.cmake) whenever the file changes: the shipped risk rules (etc/risk.rules), the
# host's default when [risk] rules is not set; the shipped certification suite
# (etc/certify/cup-pos.suite), `possum certify run --suite cup-pos`.
file(READ "${IN}" text)
string(REPLACE "\\" "\\\\" text "${text}")
string(REPLACE "\"" "\\\"" text "${text}")
string(REPLACE "\n" "\\n\"\n    \"" text "${text}")
set(c "/* Generated from ${NAME}'s file by cmake/embed_text.cmake: do not edit. */\n")
string(APPEND c "const char ${NAME}[] =\n    \"${text}\";\n")
file(WRITE "${OUT}.tmp" "${c}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
