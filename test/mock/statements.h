/*-------------------------------------------------------------------------
 *
 * statements.h
 *	  Answers for the "financial_statements" schema: the project's own
 *	  statement parser (src/parse.h) run over the page text in the user's
 *	  message, its result written in src/statement_schema.json's shape.
 *
 * The message carries pages between marker lines "<<<PAGE n>>>"; text
 * without markers is one page.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_STATEMENTS_H
#define MOCK_STATEMENTS_H

#include <stddef.h>

#include <json-c/json.h>

extern json_object *statements_from_text(const char *text, size_t len);

#endif							/* MOCK_STATEMENTS_H */
