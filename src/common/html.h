/* html.h — text written into an HTML page: the one escaping of the printable pages possum
 * writes (a merchant's statement, a certification report), so that a name or a reason holding
 * '<' or '&' is shown as written and never read as markup. */
#ifndef POSSUM_HTML_H
#define POSSUM_HTML_H

#include <stdio.h>

/* Writes s to f with & < > " and ' as their character references (text and attribute values
 * alike). */
void html_escape(FILE *f, const char *s);

#endif
