/*-------------------------------------------------------------------------
 *
 * concepts.h
 *	  The "concept" of each line item in a financial_statements answer,
 *	  when the request's schema asks for it (an enum of identifiers).
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_CONCEPTS_H
#define MOCK_CONCEPTS_H

#include <json-c/json.h>

/* the concept enum of a statement schema's line item, or NULL */
extern json_object *concepts_enum(json_object *schema);

/*
 * Give every item of content a "concept" (a label the mock knows, if the
 * schema's enum allows it; each concept once per statement) or null.  Does
 * nothing when the schema has no concept enum.
 */
extern void concepts_add(json_object *content, json_object *schema);

/*
 * Knob chat_odd_concepts, after validation: in each statement the first
 * row's concept is also given to the next row with values (a duplicate)
 * and the last row with a concept answers "not_a_concept" (not in the enum).
 */
extern void concepts_make_odd(json_object *content);

#endif							/* MOCK_CONCEPTS_H */
