/* geo.h — places on the earth as the dialect carries them: latitude and longitude in signed
 * micro-degrees (31230416 for 31.230416°N), written "LAT,LON" (59.A2.06, docs/cup-pos.md), and
 * the great-circle distance between two of them. Geometry only: doubles inside, integers out. */
#ifndef POSSUM_GEO_H
#define POSSUM_GEO_H

#include <stddef.h>
#include <stdint.h>

#define GEO_MICRODEG 1000000 /* micro-degrees in a degree */
#define GEO_LAT_MAX  (90LL * GEO_MICRODEG)
#define GEO_LON_MAX  (180LL * GEO_MICRODEG)
#define GEO_TEXT_MAX 24 /* bytes of "LAT,LON" at its longest (ans..23), with its NUL */

enum { GEO_OK = 0, GEO_EFORMAT = -1 };

/* Reads "LAT,LON": two signed decimal integers of micro-degrees, a comma between them, the
 * latitude within ±90,000,000 and the longitude within ±180,000,000; no spaces, no plus sign,
 * nothing else. GEO_EFORMAT for anything else (*lat and *lon untouched). */
int geo_parse(const char *text, int64_t *lat, int64_t *lon);

/* Writes "LAT,LON" (at most GEO_TEXT_MAX bytes with its NUL). */
void geo_format(int64_t lat, int64_t lon, char out[GEO_TEXT_MAX]);

/* The great-circle distance in whole metres (rounded) between two points in micro-degrees:
 * the haversine formula on the WGS-84 mean radius (6,371,008.8 m). */
int64_t geo_distance_m(int64_t lat1, int64_t lon1, int64_t lat2, int64_t lon2);

#endif
