#ifndef LAHDE_CLIBXML2_H
#define LAHDE_CLIBXML2_H
/* Debian's libxml2 is built with ICU, and <libxml/encoding.h> would pull /usr/include/unicode/*.h into
 * the same module graph as Foundation's own ICU (_FoundationICU): clean debug builds then fail with
 * "'UErrorCode' has different definitions in different modules". Lähde never touches the ICU-only
 * fields, so the ICU part of the headers is switched off here. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function-pointer variable, which Swift 6 rejects as shared mutable state. */
static inline void cxml_free(void *p) { xmlFree(p); }
#endif
