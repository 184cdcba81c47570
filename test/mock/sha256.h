/*-------------------------------------------------------------------------
 *
 * sha256.h
 *	  SHA-256 (FIPS 180-4) of a buffer, as lower-case hex.  Keys the
 *	  extracted-text cache by the uploaded document's content.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_SHA256_H
#define MOCK_SHA256_H

#include <stddef.h>

extern void sha256_hex(const void *data, size_t len, char out[65]);

#endif							/* MOCK_SHA256_H */
