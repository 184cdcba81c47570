/*-------------------------------------------------------------------------
 *
 * rng.c
 *	  xoshiro256** seeded through splitmix64.  Owns the generator state.
 *
 *-------------------------------------------------------------------------
 */
#include "rng.h"

static uint64_t state[4];
static uint64_t seed_value;

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* restart the sequence from a seed */
void
rng_seed(uint64_t seed)
{
	uint64_t	x = seed;

	seed_value = seed;
	for (int i = 0; i < 4; i++)
		state[i] = splitmix64(&x);
}

uint64_t
rng_seed_value(void)
{
	return seed_value;
}

/* next 64 random bits */
uint64_t
rng_next(void)
{
	uint64_t	result = rotl(state[1] * 5, 7) * 9;
	uint64_t	t = state[1] << 17;

	state[2] ^= state[0];
	state[3] ^= state[1];
	state[1] ^= state[2];
	state[0] ^= state[3];
	state[2] ^= t;
	state[3] = rotl(state[3], 45);
	return result;
}

/* uniform in [0, 1) */
double
rng_uniform(void)
{
	return (rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

/* ndigits random lower-case hex digits plus a terminator */
void
rng_hex(char *buf, int ndigits)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t	bits = 0;

	for (int i = 0; i < ndigits; i++)
	{
		if (i % 16 == 0)
			bits = rng_next();
		buf[i] = hex[bits & 15];
		bits >>= 4;
	}
	buf[ndigits] = '\0';
}
