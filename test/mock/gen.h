/*-------------------------------------------------------------------------
 *
 * gen.h
 *	  Generated content: a minimal instance of any JSON schema (for
 *	  response_format schemas the mock has no fixture for), and deliberate
 *	  schema violations for the bad_content fault.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_GEN_H
#define MOCK_GEN_H

#include <json-c/json.h>

extern json_object *gen_minimal(json_object *schema);
extern void gen_violate(json_object *instance);

#endif							/* MOCK_GEN_H */
