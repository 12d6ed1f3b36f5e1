# embed_web.cmake — makes every file under web/ (the console, docs/console.md) into one C file:
# each file's bytes (and a NUL after them), and `const struct http_static_file
# http_static_files[]` of path ("/index.html"), media type (by the name's extension) and size,
# sorted by path, which src/http/static.c serves. Run by the build (cmake -DWEB_DIR=… -DOUT=…
# -P embed_web.cmake) whenever a file under web/ changes.
file(GLOB_RECURSE files RELATIVE "${WEB_DIR}" "${WEB_DIR}/*")
list(SORT files)
set(types_html "text/html; charset=utf-8")
set(types_css "text/css; charset=utf-8")
set(types_js "text/javascript; charset=utf-8")
set(types_png "image/png")
set(types_svg "image/svg+xml")
set(types_txt "text/plain; charset=utf-8")
set(types_ico "image/x-icon")
set(types_ "text/plain; charset=utf-8") # README, LICENSE

set(c "/* Generated from the files of web/ by cmake/embed_web.cmake: do not edit. */\n")
string(APPEND c "#include \"http/static_files.h\"\n")
string(REPEAT "0x..," 16 sixteen) # CMake's regular expressions have no {16}
set(table "")
set(i 0)
foreach(rel ${files})
  if(rel MATCHES "\\.([A-Za-z0-9]+)$")
    string(TOLOWER "${CMAKE_MATCH_1}" ext)
  elseif(rel MATCHES "/?[^./]+$")
    set(ext "")
  else()
    message(FATAL_ERROR "web/${rel}: no media type for its name")
  endif()
  if(NOT DEFINED types_${ext})
    message(FATAL_ERROR "web/${rel}: no media type for .${ext} (cmake/embed_web.cmake)")
  endif()
  file(SIZE "${WEB_DIR}/${rel}" size)
  file(READ "${WEB_DIR}/${rel}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(${sixteen})" "\\1\n    " bytes "${bytes}")
  string(APPEND c "\n/* web/${rel} */\nstatic const uint8_t file_${i}[] = {\n    ${bytes}0x00};\n")
  string(APPEND table "    {\"/${rel}\", \"${types_${ext}}\", file_${i}, ${size}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND c "\nconst struct http_static_file http_static_files[] = {\n${table}};\n")
string(APPEND c "const size_t http_static_files_n = ${i};\n")
file(WRITE "${OUT}.tmp" "${c}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
