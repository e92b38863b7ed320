#ifndef LAHDE_CLIBPQ_H
#define LAHDE_CLIBPQ_H
#include <libpq-fe.h>

/* The PG_DIAG_* field codes are character-literal macros, which Swift does not import. */
static const int cpq_diag_sqlstate = PG_DIAG_SQLSTATE;
static const int cpq_diag_message_primary = PG_DIAG_MESSAGE_PRIMARY;
static const int cpq_diag_message_detail = PG_DIAG_MESSAGE_DETAIL;
static const int cpq_diag_message_hint = PG_DIAG_MESSAGE_HINT;
#endif
