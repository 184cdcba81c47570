/*-------------------------------------------------------------------------
 *
 * json_int.h
 *	  Private declarations shared by the JSON files (json*.c): strict
 *	  parsing, error messages and bounded copies of strings (json.c), and
 *	  the conversion of the statement JSON (json_statement.c).
 *
 * These files include json-c and no PostgreSQL header; this header must
 * never be included by a file that does.  Everything returned is malloc'd.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_JSON_INT_H
#define FX_JSON_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "json.h"

#define FX_JSON_MAX_MESSAGE 300 /* bytes of an API or refusal message */

extern char *fx_json_dup(const char *s, size_t n);
extern void fx_json_blank_controls(char *s);
extern void fx_json_set_err(char **err, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern size_t fx_json_utf8_cut(const char *s, size_t n, size_t max);
extern char *fx_json_clean_text(const char *s, size_t n, size_t max);
extern const char *fx_json_str_of(json_object *o, size_t *n);
extern json_object *fx_json_string_member(json_object *o, const char *key);
extern json_object *fx_json_parse_object(const char *text, size_t len,
										 const char *what, char **err);

/* json_statement.c: the parsed statement JSON as a result, or NULL */
extern fx_result *fx_json_convert_content(json_object *doc, int first_page,
										  int last_page, char **err);

#endif							/* FX_JSON_INT_H */
