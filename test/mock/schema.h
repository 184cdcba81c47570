/*-------------------------------------------------------------------------
 *
 * schema.h
 *	  JSON Schema as OpenAI's structured outputs use it: the strict-mode
 *	  rules a request's response_format schema must follow, validation of
 *	  an instance (the content the mock is about to send) against a schema,
 *	  and $ref resolution.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_SCHEMA_H
#define MOCK_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#define SCHEMA_MAX_PROPERTIES 5000
#define SCHEMA_MAX_DEPTH 10
#define SCHEMA_MAX_ENUM_VALUES 1000

/*
 * Check OpenAI's strict rules.  On failure msg receives the text that
 * follows "Invalid schema for response_format 'NAME': " in OpenAI's 400.
 */
extern bool schema_check_strict(json_object *schema, char *msg, size_t len);

/* does instance satisfy schema?  On failure msg says where and why */
extern bool schema_validate(json_object *schema, json_object *instance,
							char *msg, size_t len);

/* "#/$defs/x" (or "#", "#/definitions/x", any JSON pointer) in root */
extern json_object *schema_resolve(json_object *root, const char *ref);

/* the schema's "type" names one of these (string or array form) */
extern bool schema_has_type(json_object *schema, const char *type);

#endif							/* MOCK_SCHEMA_H */
