/* geo.c — "LAT,LON" in micro-degrees read and written, and the haversine distance (geo.h). */
#include "common/geo.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#define EARTH_RADIUS_M 6371008.8 /* WGS-84 mean radius (IUGG R1) */
#define PI             3.14159265358979323846

/* A signed decimal integer from *p up to end (exclusive of it), within ±max. */
static int read_int(const char **p, char end, int64_t max, int64_t *out)
{
	const char *c = *p;
	bool neg = *c == '-';
	int64_t v = 0;
	int digits = 0;

	if (neg)
		c++;
	for (; *c >= '0' && *c <= '9'; c++) {
		if (++digits > 9) /* 180000000 has 9 */
			return GEO_EFORMAT;
		v = v * 10 + (*c - '0');
	}
	if (digits == 0 || *c != end || v > max)
		return GEO_EFORMAT;
	*out = neg ? -v : v;
	*p = c;
	return GEO_OK;
}

int geo_parse(const char *text, int64_t *lat, int64_t *lon)
{
	const char *p = text;
	int64_t a, b;

	if (text == NULL || read_int(&p, ',', GEO_LAT_MAX, &a) != GEO_OK)
		return GEO_EFORMAT;
	p++;
	if (read_int(&p, '\0', GEO_LON_MAX, &b) != GEO_OK)
		return GEO_EFORMAT;
	*lat = a;
	*lon = b;
	return GEO_OK;
}

void geo_format(int64_t lat, int64_t lon, char out[GEO_TEXT_MAX])
{
	snprintf(out, GEO_TEXT_MAX, "%lld,%lld", (long long)lat, (long long)lon);
}

static double radians(int64_t microdeg)
{
	return (double)microdeg / GEO_MICRODEG * (PI / 180.0);
}

int64_t geo_distance_m(int64_t lat1, int64_t lon1, int64_t lat2, int64_t lon2)
{
	double p1 = radians(lat1), p2 = radians(lat2);
	double dp = p2 - p1, dl = radians(lon2 - lon1);
	double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);

	if (h > 1.0) /* rounding, at the antipodes */
		h = 1.0;
	return (int64_t)llround(2.0 * EARTH_RADIUS_M * asin(sqrt(h)));
}
