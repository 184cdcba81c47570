/*-------------------------------------------------------------------------
 *
 * derule.c
 *	  finextract-derule: remove the ruled lines of a scanned page before OCR.
 *
 *	  finextract-derule DPI IN OUT
 *
 * Financial statements are ruled: a line under each column heading, a line
 * over each subtotal, a double line under a total, and scans of boxed tables
 * have vertical rules between the columns.  tesseract, reading a page as one
 * block of text (--psm 6, which keeps a table's rows), takes a rule that
 * touches a line of text for part of it: a row of years underlined in the
 * heading comes back as "—2023,~*=<“‘«‘«‘Ds—“(t;ss*s*sSC", so every
 * column of the statement loses its period, and a vertical rule between two
 * amounts reads as a "1" or "|" in the row.  Page segmentation proper finds
 * and removes such lines, but it also splits a table into blocks, which
 * loses its rows.
 *
 * This program removes the lines first.  A rule is a run of dark pixels at
 * least 0.3 inch long (longer than any character of body text) and at most
 * 0.027 inch (0.7 mm) thick, horizontal or vertical; a thicker dark area (a
 * filled bar, a photograph) is left alone, as are dots and dashes (leaders,
 * a dash for zero).  The rule's pixels and a one-pixel margin around them
 * are set to white in the grey image, which is written back for tesseract.
 * The image operations are Leptonica's (the library tesseract itself reads
 * images with).
 *
 * Exit status 0 on success, 1 when the image cannot be read or written, 2 on
 * bad arguments.
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <leptonica/allheaders.h>

#define DARK_BELOW		160		/* grey level under which a pixel is ink */
#define LIGHT_BELOW		215		/* ... ink or its grey edge */
#define MIN_PIECE_IN	0.05	/* shortest piece of a skewed rule, inches */
#define MAX_RULE_SHARE	0.08	/* most of a page's pixels that are rules */
#define MIN_GROUND		215		/* a white page's median grey level, least */
#define MIN_LENGTH_IN	0.3		/* shortest rule, inches */
#define MAX_THICK_IN	0.05	/* thickest rule, inches */

/*
 * The thin runs of ink along one direction: runs at least len long, less
 * their parts more than thick across (a filled bar, a dark background).
 */
static PIX *
thin_runs(PIX *ink, int len, int thick, int horizontal)
{
	PIX		   *runs;
	PIX		   *wide;

	runs = horizontal ? pixOpenBrick(NULL, ink, len, 1) : pixOpenBrick(NULL, ink, 1, len);
	if (runs == NULL)
		return NULL;
	wide = horizontal ? pixOpenBrick(NULL, runs, 1, thick + 1)
		: pixOpenBrick(NULL, runs, thick + 1, 1);
	if (wide == NULL || pixSubtract(runs, runs, wide) == NULL)
		pixDestroy(&runs);
	pixDestroy(&wide);
	return runs;
}

/*
 * Pixels of the rules of one direction in the page: b is its ink, light its
 * ink and the grey edges around it (1 = ink).  A rule's seed is a thin run
 * of ink at least len long; the rule is grown from its seed through the
 * thin runs of the light image at least piece long, which takes the pieces
 * of a slightly skewed rule (it steps one pixel every few inches, so its
 * pieces between steps can be shorter than len) and its grey edges, but
 * not the characters beside it (their strokes along the rule are shorter)
 * nor a grey background (it is not thin).
 */
static PIX *
rules_one_way(PIX *b, PIX *light, int len, int thick, int piece, int horizontal)
{
	PIX		   *seed = thin_runs(b, len, thick, horizontal);
	PIX		   *grow = thin_runs(light, piece, thick + 2, horizontal);
	PIX		   *rule = NULL;

	if (seed && grow && pixOr(grow, grow, seed) != NULL)
		rule = pixSeedfillBinary(NULL, seed, grow, 8);
	pixDestroy(&seed);
	pixDestroy(&grow);
	return rule;
}

/*
 * Whiten the rules of the grey page g: 1 when some were, 0 when the page is
 * left as it is, -1 when Leptonica failed.
 */
static int
remove_rules(PIX *g, int dpi)
{
	int			len = (int) (dpi * MIN_LENGTH_IN + 0.5);
	int			thick = (int) (dpi * MAX_THICK_IN + 0.5);
	int			piece = (int) (dpi * MIN_PIECE_IN + 0.5);
	PIX		   *b;
	PIX		   *light;
	PIX		   *h = NULL;
	PIX		   *v = NULL;
	PIX		   *mask;
	l_uint32	ground;
	int			ok = -1;

	if (thick < 1)
		thick = 1;
	/* a page photographed on a grey ground is left as it is */
	if (pixGetRankValue(g, 4, 0.5, &ground) != 0)
		return -1;
	if (ground < MIN_GROUND)
		return 0;
	b = pixThresholdToBinary(g, DARK_BELOW);
	light = pixThresholdToBinary(g, LIGHT_BELOW);
	if (b && light)
	{
		h = rules_one_way(b, light, len, thick, piece, 1);
		v = rules_one_way(b, light, len, thick, piece, 0);
	}
	if (h && v && pixOr(h, h, v) != NULL &&
		(mask = pixDilateBrick(NULL, h, 3, 3)) != NULL)
	{
		l_int32		area = 0;

		/* rules are a small part of a page: more is not rules, keep it */
		if (pixCountPixels(mask, &area, NULL) == 0)
		{
			if (area == 0 ||
				area > (double) pixGetWidth(g) * pixGetHeight(g) * MAX_RULE_SHARE)
				ok = 0;
			else if (pixSetMasked(g, mask, ground) == 0)
				ok = 1;
		}
		pixDestroy(&mask);
	}
	pixDestroy(&b);
	pixDestroy(&light);
	pixDestroy(&h);
	pixDestroy(&v);
	return ok;
}

/* The DPI argument: a whole number from 50 to 1200, or -1. */
static int
parse_dpi(const char *s)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 50 || v > 1200)
		return -1;
	return (int) v;
}

int
main(int argc, char **argv)
{
	PIX		   *page;
	PIX		   *grey;
	int			dpi;
	int			format;
	int			changed = 0;

	if (argc != 4 || (dpi = parse_dpi(argv[1])) < 0)
	{
		fprintf(stderr, "usage: finextract-derule DPI IN OUT (DPI from 50 to 1200)\n");
		return 2;
	}
	setMsgSeverity(L_SEVERITY_NONE);
	page = pixRead(argv[2]);
	if (page == NULL)
	{
		fprintf(stderr, "finextract-derule: cannot read image \"%s\"\n", argv[2]);
		return 1;
	}
	format = pixGetInputFormat(page);
	if (format == IFF_UNKNOWN)
		format = IFF_PNG;
	grey = pixConvertTo8(page, 0);
	if (grey == NULL || (changed = remove_rules(grey, dpi)) < 0)
	{
		fprintf(stderr, "finextract-derule: cannot process image \"%s\"\n", argv[2]);
		pixDestroy(&grey);
		pixDestroy(&page);
		return 1;
	}
	/* a page without rules goes on exactly as it came */
	if (pixWrite(argv[3], changed ? grey : page, format) != 0)
	{
		fprintf(stderr, "finextract-derule: cannot write image \"%s\"\n", argv[3]);
		changed = -1;
	}
	pixDestroy(&grey);
	pixDestroy(&page);
	return changed < 0 ? 1 : 0;
}
