/* test_geo.c — places in micro-degrees: geo_parse() takes "LAT,LON" within range and nothing
 * else; geo_distance_m() gives known distances (Beijing to Shanghai, 50 km against 51 km along a
 * meridian, across the antimeridian, at the poles). */
#include "testutil.h"

#include "common/geo.h"

static void parses_lat_lon(void **state)
{
	int64_t lat = 0, lon = 0;
	char text[GEO_TEXT_MAX];

	(void)state;
	assert_int_equal(geo_parse("39915000,116404000", &lat, &lon), GEO_OK);
	assert_true(lat == 39915000 && lon == 116404000);
	assert_int_equal(geo_parse("-33856784,-151215297", &lat, &lon), GEO_OK);
	assert_true(lat == -33856784 && lon == -151215297);
	assert_int_equal(geo_parse("90000000,-180000000", &lat, &lon), GEO_OK);
	assert_true(lat == 90000000 && lon == -180000000);
	assert_int_equal(geo_parse("0,0", &lat, &lon), GEO_OK);
	assert_true(lat == 0 && lon == 0);
	geo_format(-90000000, -180000000, text);
	assert_string_equal(text, "-90000000,-180000000");
}

static void refuses_bad_text(void **state)
{
	static const char *const bad[] = {"",
	                                  ",",
	                                  "1,",
	                                  ",1",
	                                  "1",
	                                  "39915000",
	                                  "39915000;116404000",
	                                  "39915000, 116404000",
	                                  " 39915000,116404000",
	                                  "39915000,116404000 ",
	                                  "+39915000,116404000",
	                                  "39915000,116404000,1",
	                                  "90000001,0",
	                                  "-90000001,0",
	                                  "0,180000001",
	                                  "0,-180000001",
	                                  "39.915,116.404",
	                                  "1e6,2",
	                                  "-,1",
	                                  "1,-",
	                                  "--1,1",
	                                  "0x10,1",
	                                  "1234567890,1",
	                                  "39915000,116404000\n"};
	int64_t lat = 7, lon = 8;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(geo_parse(bad[i], &lat, &lon), GEO_EFORMAT);
	assert_int_equal(geo_parse(NULL, &lat, &lon), GEO_EFORMAT);
	assert_true(lat == 7 && lon == 8); /* untouched */
}

static void beijing_to_shanghai(void **state)
{
	/* Tiananmen to People's Square: about 1,067 km; within 0.5%. */
	int64_t d = geo_distance_m(39915000, 116404000, 31230416, 121473701);

	(void)state;
	assert_in_range(d, 1067000 - 5335, 1067000 + 5335);
	assert_int_equal(d, geo_distance_m(31230416, 121473701, 39915000, 116404000));
	assert_int_equal(geo_distance_m(39915000, 116404000, 39915000, 116404000), 0);
}

static void fifty_against_fifty_one_km(void **state)
{
	/* Along a meridian a micro-degree is 0.111195 m: 449,660 of them are 50 km, 458,654 51. */
	(void)state;
	assert_int_equal(geo_distance_m(31000000, 121000000, 31000000 + 449660, 121000000), 50000);
	assert_true(geo_distance_m(31000000, 121000000, 31000000 + 449670, 121000000) > 50000);
	assert_true(geo_distance_m(31000000, 121000000, 31000000 + 458654, 121000000) >= 51000);
	assert_true(geo_distance_m(31000000, 121000000, 31000000 - 458700, 121000000) > 51000);
}

static void antimeridian_and_poles(void **state)
{
	(void)state;
	/* One degree of the equator, across 180°: not 359 degrees the long way round. */
	assert_int_equal(geo_distance_m(0, 179500000, 0, -179500000), 111195);
	assert_int_equal(geo_distance_m(0, 180000000, 0, -180000000), 0);
	/* Every longitude is the same point at a pole. */
	assert_int_equal(geo_distance_m(90000000, 0, 90000000, 123456789), 0);
	assert_int_equal(geo_distance_m(-90000000, -45000000, -90000000, 170000000), 0);
	/* Pole to pole, and antipodes on the equator: half the circumference. */
	assert_int_equal(geo_distance_m(90000000, 0, -90000000, 0), 20015114);
	assert_int_equal(geo_distance_m(0, 0, 0, 180000000), 20015114);
	/* A degree of a meridian, at the pole. */
	assert_int_equal(geo_distance_m(90000000, 0, 89000000, 77000000), 111195);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_lat_lon),         cmocka_unit_test(refuses_bad_text),
	    cmocka_unit_test(beijing_to_shanghai),    cmocka_unit_test(fifty_against_fifty_one_km),
	    cmocka_unit_test(antimeridian_and_poles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
