/*-------------------------------------------------------------------------
 *
 * rng.h
 *	  The mock's one seedable random number generator (xoshiro256**), so
 *	  that a run with the same --seed and the same requests injects the
 *	  same faults and jitter.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOCK_RNG_H
#define MOCK_RNG_H

#include <stdint.h>

extern void rng_seed(uint64_t seed);
extern uint64_t rng_seed_value(void);
extern uint64_t rng_next(void);
extern double rng_uniform(void);
extern void rng_hex(char *buf, int ndigits);

#endif							/* MOCK_RNG_H */
